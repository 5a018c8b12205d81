import { strict as assert } from 'node:assert';
import { canAdopt, canCompletePhase, canHelp, canSpawnAgents, canStartPhase, GuardResult } from '../../src/core/guards';
import { Refusal, refusal, refusalLine } from '../../src/core/refusal';
import { ago, MemorySwarm } from '../helpers/memorySwarm';

/** sip:2 and cli:1 need bus:1, so bus is the blocker; sip and bus:1 share the rtp expertise. */
const yaml = (top = ''): string => `swarm: guards
${top}
sessions:
  sip:
    expertise: [sip, rtp]
    phaseCount: 3
    budgetUsd: 10
    maxAgents: 2
    branch: work/sip
    phases:
      "2": { needs: ["bus:1"] }
  bus:
    expertise: [bus]
    phaseCount: 3
    phases:
      "1": { expertise: [rtp] }
  cli:
    expertise: [cli]
    phaseCount: 2
    budgetUsd: 5
    phases:
      "1": { needs: ["bus:1"] }
`;

const reasons = (r: GuardResult): string[] => (r.ok ? [] : r.reasons.map((x) => x.text));

/** sip has finished phase 1 (verified by cli) and works on phase 2, which needs bus:1. */
function atSip2(top = ''): MemorySwarm {
  return new MemorySwarm(yaml(top)).done('sip', 1, 'cli').status('sip', { phase: 2 });
}

describe('guards: canStartPhase', () => {
  it('allows the open phase of a fresh session', () => {
    const m = new MemorySwarm(yaml());
    assert.deepEqual(canStartPhase(m.view(), m.plan, 'sip', 1), { ok: true });
  });

  for (const phase of [0, 4, -1]) {
    it(`refuses phase ${phase}, outside the session's phases, with only that reason`, () => {
      const m = new MemorySwarm(yaml());
      assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'sip', phase)), [
        `sip has phases 1..3; there is no phase ${phase}`,
      ]);
    });
  }

  it('refuses to skip: phase 2 while phase 1 has no valid completion (PHASE_SKIPPED)', () => {
    const m = new MemorySwarm(yaml());
    assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'bus', 2)), [
      'phase 1 has no valid completion yet; phases go in order (PHASE_SKIPPED): complete 1 first',
    ]);
  });

  it('refuses to skip when the only completion of phase 1 names an unknown commit', () => {
    const m = new MemorySwarm(yaml()).complete('bus', 1, { exists: false });
    assert.match(reasons(canStartPhase(m.view(), m.plan, 'bus', 2))[0]!, /PHASE_SKIPPED/);
  });

  const repeats: [string, (m: MemorySwarm) => MemorySwarm][] = [
    ['done (unverified)', (m) => m.complete('bus', 1)],
    ['verified', (m) => m.complete('bus', 1).verify('sip', 'bus', 1)],
    ['disputed', (m) => m.complete('bus', 1).verify('sip', 'bus', 1, 'fail')],
  ];
  for (const [state, build] of repeats) {
    it(`refuses to repeat a phase that is ${state} (PHASE_REPEATED)`, () => {
      const m = build(new MemorySwarm(yaml()));
      const v = m.view();
      assert.equal(v.sessions.find((s) => s.id === 'bus')!.phases[0]!.state, state.split(' ')[0]);
      assert.deepEqual(reasons(canStartPhase(v, m.plan, 'bus', 1)), ['phase 1 is already complete (PHASE_REPEATED)']);
    });
  }

  it('refuses while a need is not complete, naming its state', () => {
    const m = atSip2().status('bus', { phase: 1 });
    assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'sip', 2)), ['needs bus:1: not complete (in-progress)']);
  });

  it('refuses a need that is done but unverified under the required policy', () => {
    const m = atSip2().complete('bus', 1);
    assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'sip', 2)), [
      'needs bus:1: complete but not verified by a session other than bus (run: s2 verify bus:1)',
    ]);
  });

  it('accepts a done-unverified need under the advisory policy', () => {
    const m = atSip2('policy: { crossSessionVerification: advisory }').complete('bus', 1);
    assert.deepEqual(canStartPhase(m.view(), m.plan, 'sip', 2), { ok: true });
  });

  it('accepts a need verified by another session', () => {
    const m = atSip2().complete('bus', 1).verify('cli', 'bus', 1);
    assert.deepEqual(canStartPhase(m.view(), m.plan, 'sip', 2), { ok: true });
  });

  it('does not count a verification by the author itself', () => {
    const m = atSip2().complete('bus', 1).verify('bus', 'bus', 1);
    assert.match(reasons(canStartPhase(m.view(), m.plan, 'sip', 2))[0]!, /complete but not verified/);
  });

  it('refuses a disputed need, even under the advisory policy, and says why', () => {
    const m = atSip2('policy: { crossSessionVerification: advisory }')
      .complete('bus', 1)
      .verify('cli', 'bus', 1, 'fail', { commands: [{ command: 'npm test', exitCode: 2, durationMs: 5 }] });
    assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'sip', 2)), [
      'needs bus:1: disputed — cli could not verify it: `npm test` failed with exit 2',
    ]);
  });

  it('refuses a phase in error after the retries, and points to reset-phase', () => {
    const m = new MemorySwarm(yaml('polling: { maxAttempts: 4 }')).status('bus', { phase: 1, state: 'error' });
    assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'bus', 1)), [
      'phase 1 failed 4 times and is in error; a person must look at it (s2 reset-phase 1)',
    ]);
  });

  it('refuses when the session budget is spent, and names the approval command', () => {
    const m = new MemorySwarm(yaml()).spend('sip', 6).spend('sip', 4);
    assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'sip', 1)), [
      'budget spent: $10 of $10 (BUDGET_EXCEEDED); an approver must run: s2 approve sip --usd N',
    ]);
  });

  it('allows again once an approval raised the cap', () => {
    const m = new MemorySwarm(yaml()).spend('sip', 10).approve('sip', 5);
    assert.deepEqual(canStartPhase(m.view(), m.plan, 'sip', 1), { ok: true });
  });

  it('refuses every session when the swarm budget is spent', () => {
    const m = new MemorySwarm(yaml('budget: { swarmUsd: 3 }')).spend('cli', 1).spend('bus', 2);
    assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'sip', 1)), [
      'swarm budget spent: $3 of $3 (SWARM_BUDGET_EXCEEDED)',
    ]);
  });

  const branches: [string, string | null | undefined, string[]][] = [
    ['on the work branch', 'work/sip', []],
    ['branch unknown (not checked)', undefined, []],
    ['on another branch', 'main', ["the checkout is on main, not on sip's work branch work/sip"]],
    ['on a detached HEAD', null, ["the checkout is on (detached HEAD), not on sip's work branch work/sip"]],
  ];
  for (const [name, currentBranch, want] of branches) {
    it(`checks the checkout's branch: ${name}`, () => {
      const m = new MemorySwarm(yaml());
      assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'sip', 1, { currentBranch })), want);
    });
  }

  it('gives every reason at once', () => {
    const m = atSip2().spend('sip', 11);
    assert.deepEqual(reasons(canStartPhase(m.view(), m.plan, 'sip', 2, { currentBranch: 'main' })), [
      'needs bus:1: not complete (ready)',
      'budget spent: $11 of $10 (BUDGET_EXCEEDED); an approver must run: s2 approve sip --usd N',
      "the checkout is on main, not on sip's work branch work/sip",
    ]);
  });

  it('throws on an unknown session', () => {
    const m = new MemorySwarm(yaml());
    assert.throws(() => canStartPhase(m.view(), m.plan, 'nobody', 1), /unknown session nobody/);
  });
});

describe('guards: canCompletePhase', () => {
  it('allows the open phase once started', () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1 });
    assert.deepEqual(canCompletePhase(m.view(), 'bus', 1), { ok: true });
  });

  it('allows a started phase that went stale (stalled)', () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1, heartbeatAt: ago(3600) });
    assert.equal(m.view().sessions.find((s) => s.id === 'bus')!.phases[0]!.state, 'stalled');
    assert.deepEqual(canCompletePhase(m.view(), 'bus', 1), { ok: true });
  });

  it('allows a started phase in error (a person may finish it by hand)', () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1, state: 'error' });
    assert.deepEqual(canCompletePhase(m.view(), 'bus', 1), { ok: true });
  });

  const unstarted: [string, (m: MemorySwarm) => MemorySwarm][] = [
    ['no status at all', (m) => m],
    ['a status that says idle', (m) => m.status('bus', { phase: 1, state: 'idle' })],
  ];
  for (const [name, build] of unstarted) {
    it(`refuses a phase that was never started: ${name}`, () => {
      const m = build(new MemorySwarm(yaml()));
      assert.deepEqual(reasons(canCompletePhase(m.view(), 'bus', 1)), [
        'phase 1 was never started (run: s2 start-phase 1)',
      ]);
    });
  }

  // A phase whose needs are unmet shows as 'blocked' whether or not it was started; it once
  // passed the "never started" check for that reason alone.
  it('refuses a never-started phase that is also blocked by an unmet need', () => {
    const m = new MemorySwarm(yaml());
    assert.equal(m.view().sessions.find((s) => s.id === 'cli')!.phases[0]!.state, 'blocked');
    assert.deepEqual(reasons(canCompletePhase(m.view(), 'cli', 1)), [
      'phase 1 was never started (run: s2 start-phase 1)',
    ]);
  });

  it('refuses to complete a phase after the open one (PHASE_SKIPPED)', () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1 });
    assert.deepEqual(reasons(canCompletePhase(m.view(), 'bus', 3)), [
      'phase 1 is the open phase; phase 3 cannot be completed before it (PHASE_SKIPPED)',
    ]);
  });

  it('refuses to complete a phase twice (PHASE_REPEATED)', () => {
    const m = new MemorySwarm(yaml()).complete('bus', 1).status('bus', { phase: 2 });
    assert.deepEqual(reasons(canCompletePhase(m.view(), 'bus', 1)), ['phase 1 is already complete (PHASE_REPEATED)']);
  });

  for (const phase of [0, 4]) {
    it(`refuses phase ${phase}, which the session does not have`, () => {
      const m = new MemorySwarm(yaml());
      assert.deepEqual(reasons(canCompletePhase(m.view(), 'bus', phase)), [`bus has no phase ${phase}`]);
    });
  }
});

describe('guards: canSpawnAgents', () => {
  const cases: [string, string[], number, boolean][] = [
    ['none running, one more', [], 1, true],
    ['one running, one more reaches the cap', ['a1'], 1, true],
    ['one running, two more pass the cap', ['a1'], 2, false],
    ['at the cap, one more', ['a1', 'a2'], 1, false],
    ['none running, zero more', [], 0, true],
  ];
  for (const [name, running, count, ok] of cases) {
    it(`cap of 2: ${name} → ${ok ? 'allowed' : 'refused'}`, () => {
      const m = new MemorySwarm(yaml()).status('sip', { agents: { running } });
      const r = canSpawnAgents(m.view(), 'sip', count);
      assert.equal(r.ok, ok);
      if (!ok)
        assert.deepEqual(reasons(r), [
          `agent cap: ${running.length} of 2 agents already run; stop one first (s2 agents stop ID)`,
        ]);
    });
  }

  it('spawns one by default', () => {
    const m = new MemorySwarm(yaml()).status('sip', { agents: { running: ['a1', 'a2'] } });
    assert.equal(canSpawnAgents(m.view(), 'sip').ok, false);
  });

  it('refuses when the budget is spent, even under the cap', () => {
    const m = new MemorySwarm(yaml()).spend('cli', 5);
    assert.deepEqual(reasons(canSpawnAgents(m.view(), 'cli')), [
      'budget spent: $5 of $5 (BUDGET_EXCEEDED); an approver must run: s2 approve cli --usd N',
    ]);
  });

  it('refuses when the swarm budget is spent', () => {
    const m = new MemorySwarm(yaml('budget: { swarmUsd: 2 }')).spend('bus', 2);
    assert.deepEqual(reasons(canSpawnAgents(m.view(), 'cli')), [
      'swarm budget spent: $2 of $2 (SWARM_BUDGET_EXCEEDED)',
    ]);
  });
});

describe('guards: canHelp', () => {
  /** bus works on phase 1; sip (at phase 2) and cli (at phase 1) wait on bus:1. */
  const blocked = (top = ''): MemorySwarm => atSip2(top).status('bus', { phase: 1 }).status('cli', { phase: 1 });
  const claim = (session: string, phase: number, task: string) => ({
    session,
    phase,
    task,
    side: 'provider' as const,
    claimedAt: ago(10),
    leaseSeconds: 900,
    workTipAtClaim: null,
  });

  it('allows a waiting session to help its blocker', () => {
    const m = blocked();
    assert.deepEqual(canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }, 'write tests'), { ok: true });
  });

  it('refuses a session helping itself', () => {
    const m = blocked();
    assert.ok(
      reasons(canHelp(m.view(), m.plan, 'bus', { session: 'bus', phase: 1 }, 't')).includes('bus cannot help itself'),
    );
  });

  it('refuses help to a session that blocks nobody (FALSE_BLOCKER)', () => {
    const m = blocked();
    assert.deepEqual(reasons(canHelp(m.view(), m.plan, 'sip', { session: 'cli', phase: 1 }, 't')), [
      'cli blocks no session; help goes only to real blockers (FALSE_BLOCKER)',
    ]);
  });

  it("refuses help on a blocker's phase nobody waits on", () => {
    const m = blocked();
    assert.deepEqual(reasons(canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 2 }, 't')), [
      'nobody waits on bus:2; sessions wait on bus:1',
    ]);
  });

  it('refuses a help loop: the blocker is helping the would-be helper (HELP_LOOP)', () => {
    const m = blocked().status('bus', { phase: 1, helping: claim('sip', 2, 'x') });
    assert.deepEqual(reasons(canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }, 't')), [
      'bus is helping sip: this would be a help loop (HELP_LOOP)',
    ]);
  });

  it('refuses a task another session already claimed (DUPLICATE_HELP)', () => {
    const m = blocked().status('cli', { phase: 1, helping: claim('bus', 1, 'write tests') });
    assert.deepEqual(reasons(canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }, 'write tests')), [
      'another session already claimed this task on bus:1 (DUPLICATE_HELP)',
    ]);
  });

  it('allows a different task on the same blocker under the cap', () => {
    const m = blocked().status('cli', { phase: 1, helping: claim('bus', 1, 'write tests') });
    assert.deepEqual(canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }, 'review'), { ok: true });
  });

  it('refuses a helper past the cap of helpers per blocker', () => {
    const m = blocked('polling: { maxHelpersPerBlocker: 1 }').status('cli', {
      phase: 1,
      helping: claim('bus', 1, 'write tests'),
    });
    assert.deepEqual(reasons(canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }, 'review')), [
      'bus already has 1 helpers, the cap (maxHelpersPerBlocker)',
    ]);
  });

  it("does not count the helper's own earlier claim against the cap", () => {
    const m = blocked('polling: { maxHelpersPerBlocker: 1 }').status('sip', {
      phase: 2,
      helping: claim('bus', 1, 'write tests'),
    });
    assert.deepEqual(canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }, 'review'), { ok: true });
  });

  it('does not count a lapsed claim (lease over, no progress) as a helper', () => {
    const lapsed = { ...claim('bus', 1, 'write tests'), claimedAt: ago(1000) };
    const m = blocked('polling: { maxHelpersPerBlocker: 1 }').status('cli', { phase: 1, helping: lapsed });
    assert.deepEqual(canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }, 'write tests'), { ok: true });
  });

  it('refuses a helper whose budget is spent', () => {
    const m = blocked().spend('sip', 10);
    assert.deepEqual(reasons(canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }, 't')), [
      'budget spent: $10 of $10 (BUDGET_EXCEEDED); an approver must run: s2 approve sip --usd N',
    ]);
  });
});

describe('guards: canAdopt', () => {
  it('allows adopting the open phase of a stale session with matching expertise', () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1, heartbeatAt: ago(211) });
    assert.deepEqual(canAdopt(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }), { ok: true });
  });

  it('allows adopting from a stale session that blocks nobody', () => {
    const m = new MemorySwarm('swarm: g\nsessions:\n  a: { expertise: [x] }\n  b: { expertise: [x] }\n').status('a', {
      heartbeatAt: ago(211),
    });
    assert.deepEqual(m.view().blockers, []);
    assert.deepEqual(canAdopt(m.view(), m.plan, 'b', { session: 'a', phase: 1 }), { ok: true });
  });

  it('allows adopting from a session in error', () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1, state: 'error' });
    assert.deepEqual(canAdopt(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }), { ok: true });
  });

  it('allows adopting from a blocker that never reported once the plan is older than a lease', () => {
    const m = new MemorySwarm(yaml()).done('sip', 1, 'cli').status('sip', { phase: 2 });
    m.coordinationTime = ago(211);
    assert.deepEqual(canAdopt(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }), { ok: true });
  });

  it('refuses adopting from a live session, giving its heartbeat age', () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1, heartbeatAt: ago(210) });
    assert.deepEqual(reasons(canAdopt(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 })), [
      "bus is alive (heartbeat 210 s ago) and not in error; only a stuck session's phase can be adopted",
    ]);
  });

  it('refuses adopting its own phase', () => {
    const m = new MemorySwarm(yaml()).status('sip', { phase: 1, state: 'error' });
    assert.deepEqual(reasons(canAdopt(m.view(), m.plan, 'sip', { session: 'sip', phase: 1 })), [
      'a session does not adopt its own phase',
    ]);
  });

  it("refuses a phase that is not the target's open phase", () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1, state: 'error' });
    assert.deepEqual(reasons(canAdopt(m.view(), m.plan, 'sip', { session: 'bus', phase: 2 })), [
      "bus's open phase is 1, not 2",
      // Phase 2 of bus names no expertise of its own, so only bus's matters: sip has none of it.
      "sip's expertise (sip, rtp) does not match bus",
    ]);
  });

  it("refuses an adopter whose expertise matches neither the session's nor the phase's", () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1, state: 'error' });
    assert.deepEqual(reasons(canAdopt(m.view(), m.plan, 'cli', { session: 'bus', phase: 1 })), [
      "cli's expertise (cli) does not match bus, rtp",
    ]);
  });

  it('accepts any adopter when neither the session nor the phase names expertise', () => {
    const m = new MemorySwarm('swarm: g\nsessions:\n  a: { phaseCount: 1 }\n  b: { phaseCount: 1 }\n').status('a', {
      phase: 1,
      state: 'error',
    });
    assert.deepEqual(canAdopt(m.view(), m.plan, 'b', { session: 'a', phase: 1 }), { ok: true });
  });

  it('refuses an adopter whose budget is spent', () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 1, state: 'error' }).spend('sip', 12);
    assert.deepEqual(reasons(canAdopt(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 })), [
      'budget spent: $12 of $10 (BUDGET_EXCEEDED); an approver must run: s2 approve sip --usd N',
    ]);
  });
});

describe('guards: refusals are typed (code, ref, text)', () => {
  const typed = (r: GuardResult): Refusal[] => (r.ok ? [] : r.reasons);
  const codes = (r: GuardResult): [string, string | undefined][] => typed(r).map((x) => [x.code, x.ref]);
  const blocked = (): MemorySwarm => atSip2().status('bus', { phase: 1 }).status('cli', { phase: 1 });
  const cases: [string, () => GuardResult, [string, string | undefined][]][] = [
    [
      'no such phase',
      () => ((m) => canStartPhase(m.view(), m.plan, 'sip', 4))(new MemorySwarm(yaml())),
      [['NO_SUCH_PHASE', undefined]],
    ],
    [
      'a skipped phase',
      () => ((m) => canStartPhase(m.view(), m.plan, 'bus', 2))(new MemorySwarm(yaml())),
      [['PHASE_SKIPPED', undefined]],
    ],
    [
      'an unverified need names the phase to verify',
      () => ((m) => canStartPhase(m.view(), m.plan, 'sip', 2))(atSip2().complete('bus', 1)),
      [['NEED_UNVERIFIED', 'bus:1']],
    ],
    [
      'an open need names the phase waited on',
      () => ((m) => canStartPhase(m.view(), m.plan, 'sip', 2))(atSip2()),
      [['NEED_INCOMPLETE', 'bus:1']],
    ],
    [
      'the wrong branch and a spent budget, both',
      () =>
        ((m) => canStartPhase(m.view(), m.plan, 'sip', 1, { currentBranch: 'main' }))(
          new MemorySwarm(yaml()).spend('sip', 10),
        ),
      [
        ['BUDGET_EXCEEDED', undefined],
        ['WRONG_BRANCH', undefined],
      ],
    ],
    [
      'completing a phase never started',
      () => ((m) => canCompletePhase(m.view(), 'bus', 1))(new MemorySwarm(yaml())),
      [['PHASE_NOT_STARTED', undefined]],
    ],
    [
      'the agent cap',
      () =>
        ((m) => canSpawnAgents(m.view(), 'sip', 1))(
          new MemorySwarm(yaml()).status('sip', { agents: { running: ['a1', 'a2'] } }),
        ),
      [['AGENT_CAP', undefined]],
    ],
    [
      'help to a session that blocks nobody',
      () => ((m) => canHelp(m.view(), m.plan, 'sip', { session: 'cli', phase: 1 }, 't'))(blocked()),
      [['FALSE_BLOCKER', undefined]],
    ],
    [
      'help on a phase nobody waits on',
      () => ((m) => canHelp(m.view(), m.plan, 'sip', { session: 'bus', phase: 2 }, 't'))(blocked()),
      [['NOT_WAITED_ON', 'bus:2']],
    ],
    [
      'adopting a live session',
      () =>
        ((m) => canAdopt(m.view(), m.plan, 'sip', { session: 'bus', phase: 1 }))(
          new MemorySwarm(yaml()).status('bus', { phase: 1, heartbeatAt: ago(10) }),
        ),
      [['TARGET_ALIVE', 'bus:1']],
    ],
  ];
  for (const [name, run, want] of cases) {
    it(`${name}: ${want.map(([c]) => c).join(', ')}`, () => {
      const r = run();
      assert.deepEqual(codes(r), want);
      for (const x of typed(r)) assert.deepEqual(Refusal.parse(x), x, 'each reason is a valid Refusal');
    });
  }

  it('a line names its code once: appended where the sentence lacks it, not repeated where it has it', () => {
    assert.equal(
      refusalLine(refusal('NEED_INCOMPLETE', 'needs bus:1: not complete (in-progress)', 'bus:1')),
      'needs bus:1: not complete (in-progress) (NEED_INCOMPLETE)',
    );
    assert.equal(
      refusalLine(refusal('PHASE_REPEATED', 'phase 1 is already complete (PHASE_REPEATED)')),
      'phase 1 is already complete (PHASE_REPEATED)',
    );
    assert.equal(
      refusalLine(refusal('UNCOMMITTED_CHANGES', '2 uncommitted change(s):\n  a\n  b')),
      '2 uncommitted change(s): (UNCOMMITTED_CHANGES)\n  a\n  b',
    );
  });

  it('refusal() leaves out an absent ref, so the JSON has no "ref": undefined', () => {
    assert.deepEqual(Object.keys(refusal('AGENT_CAP', 'x')), ['code', 'text']);
    assert.deepEqual(refusal('NEED_DISPUTED', 'x', 'a:1'), { code: 'NEED_DISPUTED', ref: 'a:1', text: 'x' });
  });
});
