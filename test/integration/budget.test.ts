import { strict as assert } from 'node:assert';
import { handleClaudeHook } from '../../src/loop/claudeHookOps';
import { SwarmSession } from '../../src/loop/swarmSession';
import { SwarmFixture } from '../helpers/gitFixture';

const MANIFEST = `swarm: test
budget: { swarmUsd: 100 }
pricing:
  claude-sonnet-4: { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 }
approvers:
  owner:
    title: the person running the swarm
sessions:
  sip:
    budgetUsd: 20
    maxAgents: 7
    phaseCount: 3
  ndi:
    budgetUsd: 20
    phaseCount: 3
`;

/** A recorded Claude Code PreToolUse input of the documented shape. */
function preToolUse(tool: string, id: string, input: unknown = {}): string {
  return JSON.stringify({
    session_id: 'abc123',
    transcript_path: '/tmp/t.jsonl',
    cwd: '/tmp',
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: input,
    tool_use_id: id,
  });
}

describe('budgets, approvals, agent caps and the Claude Code hook', function () {
  this.timeout(180_000);
  let f: SwarmFixture;
  beforeEach(async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
  });
  afterEach(() => f.cleanup());

  it('at 100% a session cannot start a phase or pass the hook until a signed approval lands', async () => {
    assert.equal((await f.cli('sip', ['spend', '16', '--model', 'claude-sonnet-4'])).code, 0);
    const warn = await f.status();
    assert.ok(warn.violations.some((v: { code: string }) => v.code === 'BUDGET_WARNING'));
    assert.equal((await f.cli('sip', ['spend', '4'])).code, 0);
    const refused = await f.cli('sip', ['start-phase', '1']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /BUDGET_EXCEEDED/);
    const s = await SwarmSession.open({ repo: f.dir('sip'), session: 'sip', env: { ...process.env, S2_HOME: f.home } });
    try {
      const denied = await handleClaudeHook(s, preToolUse('Bash', 't1', { command: 'npm test' }));
      assert.equal(
        (denied.output as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput.permissionDecision,
        'deny',
      );
      assert.match(JSON.stringify(denied.output), /s2 approve sip --usd N/);
      const notApprover = await f.cli('sip', ['approve', 'sip', '--usd', '10', '--as', 'sip']);
      assert.equal(notApprover.code, 1, 'a session cannot approve its own budget');
      assert.equal((await f.cli(null, ['approve', 'sip', '--usd', '10', '--as', 'owner'])).code, 0);
      const allowed = await handleClaudeHook(s, preToolUse('Bash', 't2', { command: 'npm test' }));
      assert.equal(allowed.output, null, 'no opinion: the call goes through');
    } finally {
      s.dispose();
    }
    assert.equal((await f.cli('sip', ['start-phase', '1'])).code, 0);
    const view = await f.status();
    const sip = view.sessions.find((x: { id: string }) => x.id === 'sip');
    assert.equal(sip.budgetUsd, 30);
    assert.equal(sip.spendUsd, 20);
  });

  it('a spawn storm of 100 sub-agents through the hook is cut at the cap of 7', async () => {
    const s = await SwarmSession.open({ repo: f.dir('sip'), session: 'sip', env: { ...process.env, S2_HOME: f.home } });
    let allowed = 0;
    let denied = 0;
    try {
      for (let wave = 0; wave < 10; wave++) {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            handleClaudeHook(s, preToolUse('Task', `spawn-${wave}-${i}`, { description: 'x', prompt: 'y' })),
          ),
        );
        for (const r of results) {
          if (r.output) denied++;
          else allowed++;
        }
      }
    } finally {
      s.dispose();
    }
    assert.equal(allowed, 7);
    assert.equal(denied, 93);
    const view = await f.status();
    assert.equal(view.sessions.find((x: { id: string }) => x.id === 'sip').agentsRunning, 7);
    assert.ok(!view.violations.some((v: { code: string }) => v.code === 'AGENT_CAP_EXCEEDED'));
    const cli = await f.cli('sip', ['agents', 'start', 'one-more']);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /agent cap: 7 of 7/);
  });

  it("a finished sub-agent frees its slot once the runtime's transcript holds its result", async () => {
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const transcript = path.join(f.root, 'abc.jsonl');
    writeFileSync(transcript, '');
    const s = await SwarmSession.open({ repo: f.dir('ndi'), session: 'ndi', env: { ...process.env, S2_HOME: f.home } });
    try {
      await handleClaudeHook(s, preToolUse('Agent', 'a1'));
      writeFileSync(
        transcript,
        `${JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a1', content: 'ok' }] } })}\n`,
      );
      await handleClaudeHook(
        s,
        JSON.stringify({
          session_id: 'abc',
          transcript_path: transcript,
          hook_event_name: 'PostToolUse',
          tool_name: 'Agent',
          tool_input: {},
          tool_use_id: 'a1',
          tool_response: {},
        }),
      );
    } finally {
      s.dispose();
    }
    const view = await f.status();
    assert.equal(view.sessions.find((x: { id: string }) => x.id === 'ndi').agentsRunning, 0);
  });

  it('imports Claude Code usage logs once per message, priced by the manifest', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const log = path.join(f.root, 'session.jsonl');
    const msg = (id: string, out: number) =>
      JSON.stringify({
        type: 'assistant',
        uuid: `u-${id}`,
        timestamp: '2026-11-25T10:00:00Z',
        message: {
          id,
          model: 'claude-sonnet-4-20250514',
          role: 'assistant',
          usage: {
            input_tokens: 1_000_000,
            output_tokens: out,
            cache_read_input_tokens: 0,
            cache_creation_input_tokens: 0,
          },
        },
      });
    writeFileSync(
      log,
      [
        JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }),
        msg('m1', 100_000),
        msg('m1', 100_000),
        msg('m2', 0),
        'not json',
      ].join('\n'),
    );
    const first = await f.cli('sip', ['import-usage', log]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.json().messages, 2);
    const again = await f.cli('sip', ['import-usage', log]);
    assert.equal(again.json().messages, 0, 'a second import adds nothing');
    const view = await f.status();
    assert.equal(view.sessions.find((x: { id: string }) => x.id === 'sip').spendUsd, 7.5); // 2×$3 input + 0.1M×$15 output
  });
});
