import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { s2Tools } from '../../src/mcp/s2Tools';

/**
 * Every S² language-model tool invoked through vscode.lm.invokeTool in the extension host
 * (confirmations are auto-accepted in an extension test run), each compared with the s2 CLI's
 * --json for the same snapshot, as webrtc (the workspace's session). Runs after
 * extension.test.ts on the same seeded swarm: webrtc is blocked by sip:4 and helps sip.
 */
const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of the tools and the CLI, read loosely
type Json = any;

function root(): string {
  return vscode.workspace.workspaceFolders![0]!.uri.fsPath;
}

function cli(...args: string[]): Json {
  const r = spawnSync(process.execPath, [CLI, '--json', ...args], {
    cwd: root(),
    encoding: 'utf8',
    env: { ...process.env, S2_SESSION: 'webrtc', ELECTRON_RUN_AS_NODE: '1' },
  });
  assert.ok(r.stdout, `s2 ${args.join(' ')} printed nothing: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The tool's JSON: its text part, or the JSON message of the error it threw (a refusal). */
async function tool(name: string, input: object = {}): Promise<{ ok: boolean; data: Json }> {
  try {
    const r = await vscode.lm.invokeTool(`s2_${name}`, { input, toolInvocationToken: undefined });
    const part = r.content[0] as vscode.LanguageModelTextPart;
    return { ok: true, data: JSON.parse(part.value) };
  } catch (e) {
    return { ok: false, data: JSON.parse((e as Error).message) };
  }
}

/** Time-dependent fields: the CLI runs a moment after the tool. */
function timeless(v: Json): Json {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === 'now' || k === 'heartbeatAgeSeconds' || k === 'ms' ? 0 : x)));
}

/** Run the tool and the CLI until both read the same snapshot (the loop's heartbeat may land between). */
async function sameSnapshot(
  name: string,
  args: string[],
  snapshotOf: (d: Json) => string,
  input: object = {},
): Promise<[Json, Json]> {
  for (let i = 0; ; i++) {
    const t = await tool(name, input);
    assert.ok(t.ok, JSON.stringify(t.data));
    const c = cli(...args);
    if (snapshotOf(t.data) === snapshotOf(c) || i === 4) return [t.data, c];
  }
}

function me(status: Json): Json {
  return status.sessions.find((s: { id: string }) => s.id === 'webrtc');
}

describe('S² language-model tools (vscode.lm.invokeTool) vs the CLI', () => {
  it('registers every tool of the MCP server', () => {
    const names = vscode.lm.tools.map((t) => t.name);
    for (const t of s2Tools) assert.ok(names.includes(`s2_${t.name}`), `s2_${t.name} registered`);
  });

  it('status, blockers and conflicts equal the CLI for the same snapshot', async () => {
    const [status, cliStatus] = await sameSnapshot('status', ['status', '--brief'], (d) => d.snapshot);
    assert.deepEqual(timeless(status), timeless(cliStatus));
    assert.deepEqual(me(status).blockedBy, ['sip:4']);
    const [full, cliFull] = await sameSnapshot('status', ['status'], (d) => d.snapshot, { full: true });
    assert.deepEqual(timeless(full), timeless(cliFull));
    assert.equal(me(full).phases.length, 10);
    const [blockers, cliBlockers] = await sameSnapshot('blockers', ['blockers'], (d) => d.snapshot);
    assert.deepEqual(blockers, cliBlockers);
    assert.equal(blockers.blockers[0].session, 'sip');
    const [conflicts, cliConflicts] = await sameSnapshot('conflicts', ['conflicts'], (d) => d.snapshot);
    assert.deepEqual(timeless(conflicts), timeless(cliConflicts));
  });

  it("instruction is webrtc's phase 3, as the CLI prints it", async () => {
    const t = await tool('instruction');
    assert.ok(t.ok);
    assert.deepEqual(t.data, cli('instruction'));
    assert.equal(t.data.phase, 3);
    assert.match(t.data.instruction.text, /Bridge WebRTC offers/);
  });

  it('refusals are errors with the same reasons as the CLI: start, complete, help, verify', async () => {
    const cases: [string, object, string[]][] = [
      ['start_phase', { phase: 3 }, ['start-phase', '3']],
      ['complete_phase', { phase: 3 }, ['complete-phase', '3']],
      ['help', { action: 'claim', target: 'ndi', task: 'anything' }, ['help', 'ndi', '--task', 'anything']],
      ['verify', { ref: 'sip:4' }, ['verify', 'sip:4']],
    ];
    for (const [name, input, args] of cases) {
      const t = await tool(name, input);
      assert.equal(t.ok, false, `${name} refused`);
      assert.deepEqual(t.data, cli(...args), name);
      assert.ok(t.data.error.message, name);
    }
  });

  it('block, clear, help release and claim, heartbeat, spend and verify write what the CLI then reads', async () => {
    const blocked = await tool('block', { on: 'sip:4', reason: 'the trunk first' });
    assert.ok(blocked.ok, JSON.stringify(blocked.data));
    assert.deepEqual(blocked.data.blockedBy, me(cli('status')).blockedBy);
    assert.equal(me(cli('status')).declaredState, 'blocked');
    const cleared = await tool('block', { clear: true });
    assert.ok(cleared.ok);
    assert.notEqual(me(cli('status')).declaredState, 'blocked');

    assert.ok((await tool('help', { action: 'release' })).ok);
    assert.equal(me(cli('status')).helping, null);
    const claim = await tool('help', { action: 'claim', target: 'sip', task: 'digest-auth tests' });
    assert.ok(claim.ok, JSON.stringify(claim.data));
    assert.deepEqual(claim.data.claim, (({ active: _a, ...c }) => c)(me(cli('status')).helping));

    const beat = await tool('heartbeat');
    assert.ok(beat.ok);
    // The loop may write its own heartbeat right after: the tool's commit is in the records' history.
    const tip = me(cli('status')).recordsTip;
    const within = spawnSync('git', ['merge-base', '--is-ancestor', beat.data.commit, tip], { cwd: root() });
    assert.equal(within.status, 0, `${beat.data.commit} is in webrtc's records up to ${tip}`);

    const spent = await tool('spend', { usd: 0.25, model: 'claude-haiku', note: 'lm tool test' });
    assert.ok(spent.ok);
    assert.equal(spent.data.spendUsd, me(cli('status')).spendUsd);

    const verified = await tool('verify', { ref: 'sip:3' });
    assert.ok(verified.ok, JSON.stringify(verified.data));
    const again = cli('verify', 'sip:3');
    assert.equal(verified.data.verification.result, 'pass');
    assert.equal(again.verification.result, verified.data.verification.result);
    assert.deepEqual(
      verified.data.verification.commands.map((c: { command: string }) => c.command),
      again.verification.commands.map((c: { command: string }) => c.command),
    );
  });
});
