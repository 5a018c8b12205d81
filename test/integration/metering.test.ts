import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { handleClaudeHook } from '../../src/loop/claudeHookOps';
import { SwarmSession } from '../../src/loop/swarmSession';
import { SwarmFixture } from '../helpers/gitFixture';

/**
 * Spend is metered from Claude Code's own transcript, in the format Claude Code 2.1 writes
 * (one line per content block, the message id, requestId and usage repeated; sub-agents in
 * <session>/subagents/agent-<id>.jsonl), and agent slots are freed only by the runtime's record.
 */
const SID = '4d5611e5-241a-462a-8d15-5122611a9569';

function assistantLines(id: string, model: string, usage: Record<string, unknown>, sidechain = false): string {
  const base = {
    parentUuid: null,
    isSidechain: sidechain,
    userType: 'external',
    cwd: '/work',
    sessionId: SID,
    version: '2.1.39',
    gitBranch: 's2/work/a',
    requestId: `req_${id}`,
    type: 'assistant',
    timestamp: '2026-11-29T10:00:00.000Z',
  };
  const message = (content: unknown) => ({
    model,
    id,
    type: 'message',
    role: 'assistant',
    content: [content],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...usage, service_tier: 'standard' },
  });
  // Two content blocks of one response: two lines, same id and usage.
  return [
    JSON.stringify({ ...base, uuid: `${id}-1`, message: message({ type: 'text', text: 'Reading.' }) }),
    JSON.stringify({
      ...base,
      uuid: `${id}-2`,
      message: message({ type: 'tool_use', id: `toolu_${id}`, name: 'Read', input: { file_path: '/x' } }),
    }),
  ].join('\n');
}

function toolResult(toolUseId: string): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    type: 'user',
    sessionId: SID,
    message: { role: 'user', content: [{ tool_use_id: toolUseId, type: 'tool_result', content: 'done' }] },
    uuid: `r-${toolUseId}`,
    timestamp: '2026-11-29T10:00:01.000Z',
  });
}

// claude-sonnet-4-5 at $3 in / $15 out / $3.75 5m writes / $6 1h writes / $0.30 hits per MTok.
const USAGE = {
  input_tokens: 3,
  cache_creation_input_tokens: 10_000,
  cache_read_input_tokens: 20_000,
  cache_creation: { ephemeral_5m_input_tokens: 4_000, ephemeral_1h_input_tokens: 6_000 },
  output_tokens: 8_000,
};
const USAGE_USD = (3 * 3 + 4_000 * 3.75 + 6_000 * 6 + 20_000 * 0.3 + 8_000 * 15) / 1e6;

describe('metering and agent slots from the Claude Code transcript', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  let dir: string;
  let transcript: string;
  beforeEach(async () => {
    f = await SwarmFixture.create(
      'worktree',
      'swarm: test\nsessions:\n  a:\n    budgetUsd: 1\n    maxAgents: 7\n    phaseCount: 2\n  b:\n    phaseCount: 2\n',
    );
    dir = path.join(f.root, 'claude', 'projects', '-work');
    mkdirSync(dir, { recursive: true });
    transcript = path.join(dir, `${SID}.jsonl`);
    writeFileSync(
      transcript,
      `${JSON.stringify({ type: 'user', sessionId: SID, message: { role: 'user', content: 'Build phase 1.' } })}\n`,
    );
  });
  afterEach(() => f.cleanup());

  async function hook(input: Record<string, unknown>): Promise<string> {
    const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env: { ...process.env, S2_HOME: f.home } });
    try {
      const { output } = await handleClaudeHook(
        s,
        JSON.stringify({ session_id: SID, transcript_path: transcript, cwd: f.dir('a'), ...input }),
      );
      return output ? JSON.stringify(output) : '';
    } finally {
      s.dispose();
    }
  }
  const pre = (tool: string, extra: Record<string, unknown> = {}) =>
    hook({ hook_event_name: 'PreToolUse', tool_name: tool, tool_input: {}, ...extra });
  const session = async (id = 'a') => (await f.status('b')).sessions.find((x: { id: string }) => x.id === id);

  it('a session that never calls s2 spend is stopped at its budget by the hook alone', async () => {
    const perMessage = USAGE_USD;
    const needed = Math.ceil(1 / perMessage);
    let deniedAt = -1;
    for (let i = 1; i <= needed + 2 && deniedAt < 0; i++) {
      appendFileSync(transcript, `${assistantLines(`msg_${i}`, 'claude-sonnet-4-5-20250929', USAGE)}\n`);
      // A partial line at the end (the runtime mid-write) is read on the next call, not lost.
      if (i === 2)
        appendFileSync(transcript, assistantLines('msg_half', 'claude-sonnet-4-5-20250929', USAGE).slice(0, 90));
      const out = await pre('Bash');
      if (/"deny"/.test(out)) deniedAt = i;
      if (i === 2) {
        const lines = assistantLines('msg_half', 'claude-sonnet-4-5-20250929', USAGE);
        appendFileSync(transcript, `${lines.slice(90)}\n`);
      }
    }
    const a = await session();
    assert.ok(deniedAt > 0, 'the hook denied once the metered spend reached the budget');
    const messages = deniedAt + (deniedAt >= 2 ? 1 : 0);
    assert.equal(a.meteredUsd, Math.round(messages * perMessage * 100) / 100, 'each message once, none lost');
    assert.equal(a.reportedUsd, 0);
    assert.ok(a.spendUsd >= 1);
    assert.match(await pre('Read'), /budget guard/, 'every later call is denied');
  });

  it("counts sub-agents' transcripts, and an unpriced model at the highest price, reported once", async () => {
    const sub = path.join(dir, SID, 'subagents');
    mkdirSync(sub, { recursive: true });
    writeFileSync(
      path.join(sub, 'agent-a2898e3.jsonl'),
      `${assistantLines('msg_sub', 'claude-sonnet-4-5-20250929', USAGE, true)}\n`,
    );
    appendFileSync(
      transcript,
      `${assistantLines('msg_x', 'claude-mystery-9', { input_tokens: 1000, output_tokens: 1000 })}\n`,
    );
    await pre('Bash');
    appendFileSync(
      transcript,
      `${assistantLines('msg_y', 'claude-mystery-9', { input_tokens: 1000, output_tokens: 1000 })}\n`,
    );
    await pre('Bash');
    const view = await f.status('b');
    const a = view.sessions.find((x: { id: string }) => x.id === 'a');
    // Opus 4's $15 in / $75 out are the table's highest: 2 × (1000×15 + 1000×75)/1e6 = $0.18.
    assert.equal(a.meteredUsd, Math.round((USAGE_USD + 0.18) * 100) / 100);
    const unpriced = view.violations.filter((v: { code: string }) => v.code === 'UNPRICED_MODEL');
    assert.equal(unpriced.length, 1);
    assert.match(unpriced[0].message, /claude-mystery-9/);
  });

  it('spawns without tool_use_id get their own slot; name variants count; the cap holds', async () => {
    const outs: string[] = [];
    for (let i = 0; i < 9; i++)
      outs.push(
        await pre(i % 3 === 0 ? 'task' : i % 3 === 1 ? 'mcp__team__Agent' : 'Agent', {
          tool_input: { subagent_type: 'general-purpose', prompt: `job ${i}` },
        }),
      );
    assert.equal(outs.filter((o) => /deny/.test(o)).length, 2);
    assert.equal((await session()).agentsRunning, 7);
  });

  it('a forged PostToolUse or agents stop frees nothing; the transcript and SubagentStop do', async () => {
    await pre('Agent', { tool_use_id: 'toolu_fg' });
    await pre('Agent', { tool_use_id: 'toolu_bg', tool_input: { run_in_background: true, prompt: 'watch' } });
    assert.equal((await session()).agentsRunning, 2);
    await hook({ hook_event_name: 'PostToolUse', tool_name: 'Agent', tool_use_id: 'toolu_fg', tool_input: {} });
    const stop = await f.cli('a', ['agents', 'stop', 'claude:toolu_fg']);
    assert.equal(stop.code, 1);
    assert.equal((await session()).agentsRunning, 2, 'forged end: both slots held');
    // The runtime writes the results: the foreground agent ended; the background launch returned at once.
    appendFileSync(transcript, `${toolResult('toolu_fg')}\n${toolResult('toolu_bg')}\n`);
    await pre('Bash');
    assert.equal((await session()).agentsRunning, 1, 'the background agent keeps its slot after its launch returned');
    const sub = path.join(dir, SID, 'subagents');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, 'agent-b1.jsonl'), '');
    writeFileSync(
      path.join(sub, 'agent-b1.meta.json'),
      JSON.stringify({ agentType: 'general-purpose', toolUseId: 'toolu_bg' }),
    );
    await hook({
      hook_event_name: 'SubagentStop',
      agent_id: 'b1',
      agent_transcript_path: path.join(sub, 'agent-b1.jsonl'),
    });
    assert.equal((await session()).agentsRunning, 0);
  });
});
