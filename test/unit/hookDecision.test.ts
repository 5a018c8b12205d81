import { strict as assert } from 'node:assert';
import { agentSlotId, isSubagentTool, decideHook, hookOutput } from '../../src/core/hookDecision';
import { parseClaudeLog } from '../../src/core/claudeUsage';
import type { SessionView, SwarmView } from '../../src/core/viewTypes';

function view(over: Partial<SessionView>, swarm: Partial<SwarmView> = {}): SwarmView {
  const s = {
    id: 'sip',
    budgetFraction: 0.5,
    spendUsd: 10,
    budgetUsd: 20,
    agentsRunning: 2,
    maxAgents: 7,
    ...over,
  } as SessionView;
  return { sessions: [s], swarmBudgetUsd: null, swarmSpendUsd: 0, ...swarm } as SwarmView;
}
const pre = (tool: string) => ({ hook_event_name: 'PreToolUse', tool_name: tool, tool_input: {}, tool_use_id: 'x' });

describe('the Claude Code hook decision', () => {
  const table: [string, SwarmView, ReturnType<typeof pre>, string][] = [
    ['an ordinary tool under budget passes', view({}), pre('Bash'), 'pass'],
    ['a spawn under the cap is allowed and counted', view({}), pre('Task'), 'allow-spawn'],
    ['the Agent tool counts as a spawn too', view({}), pre('Agent'), 'allow-spawn'],
    ['a spawn at the cap is denied', view({ agentsRunning: 7 }), pre('Task'), 'deny'],
    ['any tool over budget is denied', view({ budgetFraction: 1 }), pre('Read'), 'deny'],
    [
      'any tool over the swarm budget is denied',
      view({}, { swarmBudgetUsd: 50, swarmSpendUsd: 50 }),
      pre('Edit'),
      'deny',
    ],
  ];
  for (const [name, v, input, kind] of table) it(name, () => assert.equal(decideHook(v, 'sip', input).kind, kind));

  it('answers a denial in the documented PreToolUse shape', () => {
    const out = hookOutput(decideHook(view({ budgetFraction: 1.2 }), 'sip', pre('Bash'))) as {
      hookSpecificOutput: Record<string, string>;
    };
    assert.equal(out.hookSpecificOutput['hookEventName'], 'PreToolUse');
    assert.equal(out.hookSpecificOutput['permissionDecision'], 'deny');
    assert.match(out.hookSpecificOutput['permissionDecisionReason']!, /budget/);
  });

  it("a PostToolUse alone never frees a slot that has a tool_use_id: the runtime's transcript does", () => {
    assert.equal(
      decideHook(view({}), 'sip', { hook_event_name: 'PostToolUse', tool_name: 'Task', tool_use_id: 'x' }).kind,
      'pass',
    );
    const legacy = decideHook(view({}), 'sip', {
      hook_event_name: 'PostToolUse',
      tool_name: 'Task',
      tool_input: { a: 1 },
    });
    assert.equal(legacy.kind, 'stop-agent', 'without a tool_use_id, the derived slot is freed as before');
  });

  it('gives every spawn without a tool_use_id its own slot id, and knows the tool by any of its names', () => {
    const a = agentSlotId({ hook_event_name: 'PreToolUse', session_id: 's', tool_input: { prompt: 'one' } });
    const b = agentSlotId({ hook_event_name: 'PreToolUse', session_id: 's', tool_input: { prompt: 'two' } });
    assert.notEqual(a, b);
    for (const name of ['Task', 'Agent', 'task', 'AGENT', 'mcp__x__Task']) assert.ok(isSubagentTool(name, {}), name);
    assert.ok(isSubagentTool('Spawn', { subagent_type: 'general-purpose' }));
    assert.ok(!isSubagentTool('Bash', { command: 'ls' }));
    assert.match(
      agentSlotId({ hook_event_name: 'PreToolUse', tool_use_id: 't', tool_input: { run_in_background: true } }),
      /^claude-bg:t$/,
    );
  });

  it('prices usage by the longest matching model prefix and counts a message once', () => {
    const pricing = {
      claude: { inputPerMTok: 1, outputPerMTok: 1, cacheReadPerMTok: 0, cacheWritePerMTok: 0 },
      'claude-opus': { inputPerMTok: 15, outputPerMTok: 75, cacheReadPerMTok: 1.5, cacheWritePerMTok: 18.75 },
    };
    const line = JSON.stringify({
      type: 'assistant',
      message: {
        id: 'm',
        model: 'claude-opus-4-1',
        usage: { input_tokens: 1000, output_tokens: 1000, cache_read_input_tokens: 1000 },
      },
    });
    const r = parseClaudeLog(`${line}\n${line}\n{bad`, pricing);
    assert.equal(r.lines.length, 1);
    assert.equal(r.badLines, 1);
    assert.ok(Math.abs(r.lines[0]!.usd - (15 + 75 + 1.5) / 1000) < 1e-12);
  });
});
