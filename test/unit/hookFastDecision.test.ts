import { strict as assert } from 'node:assert';
import { hookArgs } from '../../src/cli/bin';
import { decideHook } from '../../src/core/hookDecision';
import { fastHookVerdict, HookStanding } from '../../src/core/hookFastDecision';
import type { SessionView, SwarmView } from '../../src/core/viewTypes';

/**
 * The fast path may only answer where the full decision, on the same standing with the
 * unmetered spend added and the ended slots freed, says 'pass' — or 'allow-spawn' of the same
 * slot, which the fast path then counts in its journal. Never more permissive: every deny
 * goes to the full path, and a spawn gets a slot only while one is free.
 */
function standing(over: Partial<HookStanding> = {}): HookStanding {
  return {
    session: 'sip',
    budgetFraction: 0.5,
    budgetUsd: 20,
    swarmSpendUsd: 10,
    swarmBudgetUsd: null,
    agentsRunning: [],
    maxAgents: 7,
    awaitingInput: false,
    ...over,
  };
}

function viewOf(st: HookStanding, unmeteredUsd: number, running: readonly string[]): SwarmView {
  const spend = st.budgetFraction * st.budgetUsd + unmeteredUsd;
  const s = {
    id: st.session,
    budgetFraction: st.budgetUsd > 0 ? spend / st.budgetUsd : spend > 0 ? Infinity : 0,
    spendUsd: spend,
    budgetUsd: st.budgetUsd,
    agentsRunning: running.length,
    maxAgents: st.maxAgents,
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
    standing({ agentsRunning: ['claude:toolu_1'], maxAgents: 1 }),
    standing({ agentsRunning: ['claude:toolu_2'], maxAgents: 1 }),
    standing({ agentsRunning: ['claude:toolu_3', 'claude-bg:toolu_4'], maxAgents: 2 }),
  ];
  const calls = [
    { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {} },
    { hook_event_name: 'PreToolUse', tool_name: 'Task', tool_input: {}, tool_use_id: 'toolu_2' },
    {
      hook_event_name: 'PreToolUse',
      tool_name: 'Agent',
      tool_input: { run_in_background: true },
      tool_use_id: 'toolu_5',
    },
    { hook_event_name: 'PreToolUse', tool_name: 'Task', tool_input: {} },
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
        for (const results of [[], ['toolu_1'], ['toolu_3', 'toolu_4']]) {
          const fast = fastHookVerdict(st, call, { usd, toolResults: results }, st.agentsRunning);
          if (!fast) continue;
          it(`${call.hook_event_name} ${call.tool_name ?? ''} at ${st.budgetFraction}×$${st.budgetUsd} +$${usd}, slots ${st.agentsRunning.join(',')} of ${st.maxAgents}, results ${results.join(',')}, swarm cap ${st.swarmBudgetUsd}: ${fast.start ? `takes ${fast.start}` : 'pass'} is right`, () => {
            assert.equal(st.awaitingInput, false, 'a wait to clear is a write');
            // The slots the full path frees on the same call (claudeMetering.ts): a result in the transcript.
            const ended = st.agentsRunning.filter((a) => results.some((r) => a === `claude:${r}`));
            assert.deepEqual([...fast.stops].sort(), ended.sort());
            const running = st.agentsRunning.filter((a) => !ended.includes(a));
            const full = decideHook(viewOf(st, usd, running), st.session, call);
            if (fast.start) {
              assert.deepEqual(full, { kind: 'allow-spawn', agentId: fast.start });
              assert.ok(running.length < st.maxAgents, 'a slot is free');
            } else assert.equal(full.kind, 'pass');
          });
        }

  it('takes a free slot for a spawn, and none when the cap is reached', () => {
    const task = { hook_event_name: 'PreToolUse', tool_name: 'Task', tool_use_id: 'toolu_9' };
    const none = { usd: 0, toolResults: [] };
    assert.deepEqual(fastHookVerdict(standing({ maxAgents: 2 }), task, none, ['claude:a']), {
      start: 'claude:toolu_9',
      stops: [],
    });
    assert.equal(fastHookVerdict(standing({ maxAgents: 2 }), task, none, ['claude:a', 'claude:b']), null);
    // The journal's slots count: the standing's own list is not the whole truth.
    assert.equal(
      fastHookVerdict(standing({ maxAgents: 2, agentsRunning: [] }), task, none, ['claude:a', 'claude:b']),
      null,
    );
    // A slot the transcript shows ended makes room on the same call.
    assert.deepEqual(
      fastHookVerdict(standing({ maxAgents: 2 }), task, { usd: 0, toolResults: ['b'] }, ['claude:a', 'claude:b']),
      { start: 'claude:toolu_9', stops: ['claude:b'] },
    );
  });

  it('answers the common case: a plain tool call under budget', () => {
    assert.deepEqual(
      fastHookVerdict(
        standing(),
        { hook_event_name: 'PreToolUse', tool_name: 'Bash' },
        { usd: 1, toolResults: [] },
        [],
      ),
      { start: null, stops: [] },
    );
  });

  it('leaves what it cannot be sure of to the full path', () => {
    const bash = { hook_event_name: 'PreToolUse', tool_name: 'Bash' };
    const none = { usd: 0, toolResults: [] };
    assert.equal(fastHookVerdict(standing({ budgetFraction: 1 }), bash, none, []), null, 'a deny');
    assert.equal(
      fastHookVerdict(standing(), bash, { usd: 10, toolResults: [] }, []),
      null,
      'unmetered spend reaches the cap',
    );
    assert.equal(
      fastHookVerdict(standing(), { ...bash, tool_name: 'Agent' }, none, []),
      null,
      'a spawn without its id',
    );
    assert.equal(
      fastHookVerdict(standing({ budgetFraction: 1 }), { ...bash, tool_name: 'Agent', tool_use_id: 'x' }, none, []),
      null,
      'a spawn over budget',
    );
    assert.equal(fastHookVerdict(standing({ awaitingInput: true }), bash, none, []), null, 'a wait to clear');
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
