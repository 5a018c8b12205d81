import { strict as assert } from 'node:assert';
import { hookArgs } from '../../src/cli/bin';
import { decideHook } from '../../src/core/hookDecision';
import { fastHookVerdict, HookStanding } from '../../src/core/hookFastDecision';
import type { SessionView, SwarmView } from '../../src/core/viewTypes';

/**
 * The fast path may only say 'pass' where the full decision, on the same standing with the
 * unmetered spend added, says 'pass' too — never more permissive (every deny, every write
 * goes to the full path).
 */
function standing(over: Partial<HookStanding> = {}): HookStanding {
  return {
    session: 'sip',
    budgetFraction: 0.5,
    budgetUsd: 20,
    swarmSpendUsd: 10,
    swarmBudgetUsd: null,
    agentsRunning: [],
    awaitingInput: false,
    ...over,
  };
}

function viewOf(st: HookStanding, unmeteredUsd: number): SwarmView {
  const spend = st.budgetFraction * st.budgetUsd + unmeteredUsd;
  const s = {
    id: st.session,
    budgetFraction: st.budgetUsd > 0 ? spend / st.budgetUsd : spend > 0 ? Infinity : 0,
    spendUsd: spend,
    budgetUsd: st.budgetUsd,
    agentsRunning: st.agentsRunning.length,
    maxAgents: 7,
  } as SessionView;
  return {
    sessions: [s],
    swarmBudgetUsd: st.swarmBudgetUsd,
    swarmSpendUsd: Math.round((st.swarmSpendUsd + unmeteredUsd) * 100) / 100,
  } as unknown as SwarmView;
}

describe('the hook fast path decision (never more permissive than decideHook)', () => {
  const standings = [
    standing(),
    standing({ budgetFraction: 0.999 }),
    standing({ budgetFraction: 1 }),
    standing({ budgetUsd: 0, budgetFraction: 0 }),
    standing({ swarmBudgetUsd: 10.01 }),
    standing({ swarmBudgetUsd: 50 }),
    standing({ awaitingInput: true }),
    standing({ agentsRunning: ['claude:toolu_1'] }),
  ];
  const calls = [
    { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {} },
    { hook_event_name: 'PreToolUse', tool_name: 'Task', tool_input: {}, tool_use_id: 'toolu_2' },
    { hook_event_name: 'PreToolUse', tool_name: 'mcp__x__Read', tool_input: { subagent_type: 'general' } },
    { hook_event_name: 'PostToolUse', tool_name: 'Task', tool_input: {}, tool_use_id: 'toolu_1' },
    { hook_event_name: 'PostToolUse', tool_name: 'Task', tool_input: {} },
    { hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: {} },
    { hook_event_name: 'UserPromptSubmit' },
    { hook_event_name: 'Notification' },
    { hook_event_name: 'SubagentStop' },
  ];
  for (const st of standings)
    for (const call of calls)
      for (const usd of [0, 0.004, 5, 12])
        for (const results of [[], ['toolu_1']]) {
          const fast = fastHookVerdict(st, call, { usd, toolResults: results });
          if (fast !== 'pass') continue;
          it(`${call.hook_event_name} ${call.tool_name ?? ''} at ${st.budgetFraction}×$${st.budgetUsd} +$${usd}, swarm cap ${st.swarmBudgetUsd}: pass is right`, () => {
            assert.equal(st.awaitingInput, false, 'a wait to clear is a write');
            assert.ok(!results.some((r) => st.agentsRunning.includes(`claude:${r}`)), 'a slot to free is a write');
            assert.equal(decideHook(viewOf(st, usd), st.session, call).kind, 'pass');
          });
        }

  it('answers the common case: a plain tool call under budget', () => {
    assert.equal(
      fastHookVerdict(standing(), { hook_event_name: 'PreToolUse', tool_name: 'Bash' }, { usd: 1, toolResults: [] }),
      'pass',
    );
  });

  it('leaves what it cannot be sure of to the full path', () => {
    const bash = { hook_event_name: 'PreToolUse', tool_name: 'Bash' };
    const none = { usd: 0, toolResults: [] };
    assert.equal(fastHookVerdict(standing({ budgetFraction: 1 }), bash, none), null, 'a deny');
    assert.equal(
      fastHookVerdict(standing(), bash, { usd: 10, toolResults: [] }),
      null,
      'unmetered spend reaches the cap',
    );
    assert.equal(fastHookVerdict(standing(), { ...bash, tool_name: 'Agent' }, none), null, 'a spawn');
    assert.equal(fastHookVerdict(standing({ awaitingInput: true }), bash, none), null, 'a wait to clear');
  });
});

describe("the CLI entry's hook argument check", () => {
  const table: [string[], ReturnType<typeof hookArgs>][] = [
    [['hook', 'claude'], { repo: null, session: null }],
    [['--repo', '/w', 'hook', 'claude'], { repo: '/w', session: null }],
    [['--json', 'hook', 'claude', '--session', 'a', '--fail-closed'], { repo: null, session: 'a' }],
    [['hook', 'codex'], null],
    [['hook', 'claude', '--help'], null],
    [['--fail-closed', 'hook', 'claude'], null],
    [['hook', 'claude', 'extra'], null],
    [['--session', '', 'hook', 'claude'], null],
    [['status'], null],
  ];
  for (const [argv, want] of table)
    it(`${argv.join(' ')} → ${want ? 'fast path' : 'the whole CLI'}`, () => assert.deepEqual(hookArgs(argv), want));
});
