import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { git, SwarmFixture } from '../helpers/gitFixture';
import { signedInstruction } from '../helpers/signedInstruction';
import { parseRecordText } from '../../src/git/recordCodec';

/**
 * `s2 mcp` driven by the SDK's own client over stdio (the built dist/cli.js, as a runtime
 * starts it) on a real swarm in git: sip's server and webrtc's server, one process each.
 */
const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const NOW = '2026-11-29T10:00:00.000Z';

const MANIFEST = `swarm: mcp-test
policy: { crossSessionVerification: advisory }
polling: { intervalSeconds: 30, heartbeatSeconds: 60, probeSeconds: 1, helpLeaseSeconds: 600, maxHelpersPerBlocker: 2 }
sessions:
  sip:
    expertise: [sip, telephony]
    phaseCount: 3
    phases:
      1: { title: Trunk, validate: ["test -f sip.txt", "git log -1 --format=%s | grep -q 'work on'"] }
  webrtc:
    expertise: [sip, webrtc]
    phaseCount: 3
    phases:
      2: { needs: [sip:2] }
  ndi:
    expertise: [video]
    phaseCount: 3
`;

interface Connected {
  readonly client: Client;
  readonly logs: { type: string; refs: string[]; message: string }[];
  readonly updated: string[];
  readonly stderr: string[];
}

async function connect(f: SwarmFixture, session: string): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--repo', f.dir(session), '--session', session, 'mcp'],
    env: { ...(process.env as Record<string, string>), S2_HOME: f.home, S2_NOW: NOW, S2_SESSION: '' },
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const client = new Client({ name: 's2-test', version: '1.0.0' });
  const c: Connected = { client, logs: [], updated: [], stderr };
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    c.logs.push(n.params.data as Connected['logs'][number]);
  });
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    c.updated.push(n.params.uri);
  });
  await client.connect(transport);
  return c;
}

async function call(c: Connected, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await c.client.callTool({ name, arguments: args })) as CallToolResult;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tools' JSON, read loosely
function body(r: CallToolResult): any {
  const first = r.content[0];
  assert.ok(first && first.type === 'text', 'a text result');
  return JSON.parse(first.text.split('\nwarnings: ')[0]!);
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('s2 mcp over stdio with the SDK client (real git)', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  const open: Connected[] = [];

  before(async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
    mkdirSync(path.join(f.coord, '.s2', 'instructions', 'sip'), { recursive: true });
    writeFileSync(
      path.join(f.coord, '.s2', 'instructions', 'sip', 'phase-1.md'),
      // Instructions count only when an approver signed them (docs/TRUST.md).
      signedInstruction(
        f.home,
        'sip',
        1,
        '---\nid: sip-trunk\n---\n# Phase 1: the SIP trunk\nRegister with the carrier.\n',
        'owner',
        'mcp-test',
      ),
    );
    git(f.coord, 'add', '.s2/instructions');
    git(f.coord, 'commit', '-q', '-m', 'instruction for sip phase 1');
  });

  after(async () => {
    for (const c of open) await c.client.close().catch(() => undefined);
    f?.cleanup();
  });

  it('lists the tools, small in tokens, none of which takes a session', async () => {
    const sip = await connect(f, 'sip');
    open.push(sip);
    const { tools } = await sip.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      'block',
      'blockers',
      'complete_phase',
      'conflicts',
      'heartbeat',
      'help',
      'instruction',
      'spend',
      'start_phase',
      'status',
      'verify',
    ]);
    for (const t of tools) assert.ok(!('session' in (t.inputSchema.properties ?? {})), `${t.name} takes no session`);
    const chars = JSON.stringify(tools).length;
    console.log(`      tools/list: ${tools.length} tools, ${chars} chars ≈ ${Math.round(chars / 4)} tokens`);
    assert.ok(chars / 4 < 2500, `the tool list costs ${Math.round(chars / 4)} tokens`);
  });

  it("answers status exactly as the CLI's --json does for the same snapshot, brief unless asked for full", async () => {
    const brief = await call(open[0]!, 'status');
    assert.ok(!brief.isError);
    assert.deepEqual(body(brief), (await f.cli('sip', ['status', '--brief'], { S2_NOW: NOW })).json());
    assert.equal(body(brief).sessions[0].phases, undefined, 'no per-phase detail');
    const full = await call(open[0]!, 'status', { full: true });
    assert.deepEqual(body(full), (await f.cli('sip', ['status'], { S2_NOW: NOW })).json());
  });

  it('refuses a skipped phase as a tool error with the reason, and records nothing', async () => {
    const sip = open[0]!;
    const r = await call(sip, 'start_phase', { phase: 2 });
    assert.equal(r.isError, true);
    const e = body(r).error;
    assert.equal(e.code, 'REFUSED');
    assert.match(e.data.reasons.join('\n'), /phase 1/);
    assert.equal(
      (await f.status(null, { S2_NOW: NOW })).sessions.find((s: { id: string }) => s.id === 'sip').state,
      'not-started',
    );
  });

  it('rejects bad input with what is wrong, as a tool error', async () => {
    const r = await call(open[0]!, 'start_phase', { phase: 0 });
    assert.equal(r.isError, true);
  });

  it('starts and completes a phase: validation runs in the checkout, the completion is recorded', async () => {
    const sip = open[0]!;
    const instr = await sip.client.readResource({ uri: 's2://instruction' });
    assert.match(String((instr.contents[0] as { text: string }).text), /the SIP trunk/);
    const started = await call(sip, 'start_phase', { phase: 1 });
    assert.ok(!started.isError, JSON.stringify(started.content));
    assert.equal(body(started).state, 'working');
    const early = await call(sip, 'complete_phase', { phase: 1 });
    assert.equal(early.isError, true, 'no sip.txt yet: validation fails');
    assert.equal(body(early).passed, false);
    f.work('sip');
    const done = await call(sip, 'complete_phase', { phase: 1 });
    assert.ok(!done.isError, JSON.stringify(done.content));
    const d = body(done);
    assert.equal(d.passed, true);
    assert.deepEqual(
      d.validations.map((v: { command: string; exitCode: number }) => [v.command, v.exitCode]),
      [
        ['test -f sip.txt', 0],
        ["git log -1 --format=%s | grep -q 'work on'", 0],
      ],
    );
    assert.equal(d.commit, git(f.dir('sip'), 'rev-parse', 'HEAD'));
    const view = await f.status(null, { S2_NOW: NOW });
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'sip').completedPhases, 1);
  });

  it('notifies sip when webrtc comes to wait on it, and webrtc claims help through its own server', async () => {
    const sip = open[0]!;
    await sip.client.subscribeResource({ uri: 's2://view' });
    const web = await connect(f, 'webrtc');
    open.push(web);
    // sip blocks nobody yet: helping it is refused (FALSE_BLOCKER), as a tool error.
    const early = await call(web, 'help', { action: 'claim', target: 'sip', task: 'REGISTER retries' });
    assert.equal(early.isError, true);
    assert.match(body(early).error.message, /FALSE_BLOCKER/);

    assert.ok(!(await call(web, 'start_phase', { phase: 1 })).isError);
    f.work('webrtc');
    assert.ok(!(await call(web, 'complete_phase', { phase: 1 })).isError);
    const updatesBefore = sip.updated.length;
    const blocked = await call(web, 'block', { on: 'sip:2', reason: 'needs the trunk' });
    assert.ok(!blocked.isError, JSON.stringify(blocked.content));
    assert.deepEqual(body(blocked).blockedBy, ['sip:2']);

    const event = await until('a BLOCKING notification on sip', () =>
      sip.logs.find((e) => e.type === 'BLOCKING' && e.refs.includes('webrtc')),
    );
    assert.match(event.message, /You block 1 session: webrtc/);
    await until('s2://view updated on sip', () => sip.updated.slice(updatesBefore).includes('s2://view'));

    const claim = await call(web, 'help', { action: 'claim', target: 'sip', task: 'write the REGISTER retry tests' });
    assert.ok(!claim.isError, JSON.stringify(claim.content));
    assert.equal(body(claim).claim.session, 'sip');
    const status = JSON.stringify(
      parseRecordText(git(f.coord, 'show', 's2/sessions/webrtc:.s2/sessions/webrtc/status.yaml'), 'status.yaml'),
    );
    assert.match(status, /"task":"write the REGISTER retry tests"/);
    // Nothing was written as sip by webrtc's server.
    assert.doesNotMatch(
      JSON.stringify(
        parseRecordText(git(f.coord, 'show', 's2/sessions/sip:.s2/sessions/sip/status.yaml'), 'status.yaml'),
      ),
      /"helping":\{"session"/,
    );
  });

  it('reads the view resource as the status tool returns it', async () => {
    const sip = open[0]!;
    const res = await sip.client.readResource({ uri: 's2://view' });
    const viaTool = body(await call(sip, 'status', { full: true }));
    assert.deepEqual(JSON.parse((res.contents[0] as { text: string }).text), viaTool);
  });
});
