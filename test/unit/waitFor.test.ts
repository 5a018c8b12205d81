import { strict as assert } from 'node:assert';
import { criticalPath, findDeadlocks, rankBlockers, type WaitEdge } from '../../src/core/waitFor';
import { ago, MemorySwarm } from '../helpers/memorySwarm';

/** One line per session: `id: { phaseCount: n, phases: {...} }`. */
const swarm = (sessions: string, top = ''): MemorySwarm =>
  new MemorySwarm(`swarm: wf\n${top}\nsessions:\n${sessions.replace(/^/gm, '  ')}\n`);

const edge = (e: WaitEdge): string => `${e.from}:${e.fromPhase}>${e.to}:${e.toPhase}${e.declared ? ' (declared)' : ''}`;
const blockedOn = (on: string) => ({ on, reason: 'waiting', since: ago(60) });

describe('waitFor: buildWaitFor', () => {
  const sipNeedsBus = `sip: { phaseCount: 2, phases: { "2": { needs: ["bus:1"] } } }
bus: { phaseCount: 2 }
cli: { phaseCount: 1 }`;

  it("draws an edge from a session's current phase to each unmet need", () => {
    const { wf } = swarm(sipNeedsBus).done('sip', 1).waitFor();
    assert.deepEqual(wf.edges.map(edge), ['sip:2>bus:1']);
    assert.deepEqual(wf.graph.get('sip'), ['bus']);
    assert.deepEqual(
      [...wf.current],
      [
        ['sip', 2],
        ['bus', 1],
        ['cli', 1],
      ],
    );
  });

  it('draws no edge for a need of a phase the session has not reached', () => {
    assert.deepEqual(swarm(sipNeedsBus).waitFor().wf.edges, []);
  });

  const needStates: [string, (m: MemorySwarm) => MemorySwarm, string, string[]][] = [
    ['unverified, required policy', (m) => m.complete('bus', 1), '', ['sip:2>bus:1']],
    ['unverified, advisory policy', (m) => m.complete('bus', 1), 'policy: { crossSessionVerification: advisory }', []],
    ['verified', (m) => m.complete('bus', 1).verify('cli', 'bus', 1), '', []],
    [
      'disputed, advisory policy',
      (m) => m.complete('bus', 1).verify('cli', 'bus', 1, 'fail'),
      'policy: { crossSessionVerification: advisory }',
      ['sip:2>bus:1'],
    ],
  ];
  for (const [name, build, top, want] of needStates) {
    it(`need bus:1 ${name} → ${want.length ? 'waits' : 'no wait'}`, () => {
      const m = build(swarm(sipNeedsBus, top).done('sip', 1));
      assert.deepEqual(m.waitFor().wf.edges.map(edge), want);
    });
  }

  it('draws no edge from a session that finished every phase', () => {
    const m = swarm('a: { phaseCount: 1 }\nb: { phaseCount: 1 }')
      .done('a', 1)
      .status('a', { blockedOn: [blockedOn('b:1')] });
    assert.deepEqual(m.waitFor().wf.edges, []);
  });

  it("adds a declared wait (s2 block) on another session's open phase", () => {
    const { wf, violations } = swarm(sipNeedsBus)
      .status('cli', { state: 'blocked', blockedOn: [blockedOn('bus:2')] })
      .waitFor();
    assert.deepEqual(wf.edges.map(edge), ['cli:1>bus:2 (declared)']);
    assert.deepEqual(violations, []);
  });

  it('keeps one edge when a declared wait repeats a need', () => {
    const m = swarm(sipNeedsBus)
      .done('sip', 1)
      .status('sip', { phase: 2, blockedOn: [blockedOn('bus:1'), blockedOn('bus:1')] });
    assert.deepEqual(m.waitFor().wf.edges.map(edge), ['sip:2>bus:1']);
  });

  it('ignores a declared wait that is free text, not a phase', () => {
    const { wf, violations } = swarm(sipNeedsBus)
      .status('cli', { blockedOn: [blockedOn('the design review')] })
      .waitFor();
    assert.deepEqual(wf.edges, []);
    assert.deepEqual(violations, []);
  });

  const falseBlocks: [string, string, (m: MemorySwarm) => MemorySwarm, string][] = [
    ['on itself', 'cli:1', (m) => m, "cli declares itself blocked on cli:1, which is not another session's phase"],
    [
      'on an unknown session',
      'ghost:1',
      (m) => m,
      "cli declares itself blocked on ghost:1, which is not another session's phase",
    ],
    [
      'on a verified phase',
      'bus:1',
      (m) => m.complete('bus', 1).verify('sip', 'bus', 1),
      'cli declares itself blocked on bus:1, but bus:1 is complete and verified',
    ],
  ];
  for (const [name, on, build, message] of falseBlocks) {
    it(`reports a declared wait ${name} as FALSE_BLOCKER, with no edge`, () => {
      const { wf, violations } = build(swarm(sipNeedsBus))
        .status('cli', { blockedOn: [blockedOn(on)] })
        .waitFor();
      assert.deepEqual(wf.edges, []);
      assert.deepEqual(
        violations.filter((v) => v.code === 'FALSE_BLOCKER').map((v) => [v.session, v.ref, v.severity, v.message]),
        [['cli', on, 'warning', message]],
      );
    });
  }
  // A declared wait on a phase past the target's phase count (`bus:99`) once became an edge,
  // and planGangUp then threw on bus's phase 99: one status record broke every reader's view.
  it('reports a declared wait on a phase the target does not have as FALSE_BLOCKER, and the view still computes', () => {
    const m = swarm(sipNeedsBus).status('cli', { blockedOn: [blockedOn('bus:99')] });
    const v = m.view();
    assert.deepEqual(v.blockers, []);
    assert.deepEqual(
      v.violations.filter((x) => x.code === 'FALSE_BLOCKER').map((x) => [x.session, x.ref]),
      [['cli', 'bus:99']],
    );
  });
});

describe('waitFor: rankBlockers', () => {
  /** d waits on c, c and b wait on a: a blocks 3 transitively, c blocks 1. */
  const chain = `a: { phaseCount: 2 }
b: { phaseCount: 1, phases: { "1": { needs: ["a:1"] } } }
c: { phaseCount: 1, phases: { "1": { needs: ["a:2"] } } }
d: { phaseCount: 1, phases: { "1": { needs: ["c:1"] } } }`;

  it('ranks by how many sessions wait, directly or through others', () => {
    const { wf } = swarm(chain).waitFor();
    assert.deepEqual(
      rankBlockers(wf, () => false),
      [
        { session: 'a', phases: ['a:1', 'a:2'], blocks: ['b', 'c'], transitive: 3, stalled: false },
        { session: 'c', phases: ['c:1'], blocks: ['d'], transitive: 1, stalled: false },
      ],
    );
  });

  it('asks the caller which blockers are stalled', () => {
    const { wf } = swarm(chain).waitFor();
    assert.deepEqual(
      rankBlockers(wf, (s) => s === 'c').map((b) => [b.session, b.stalled]),
      [
        ['a', false],
        ['c', true],
      ],
    );
  });

  it('puts transitive waiters before direct ones', () => {
    // x keeps only y waiting directly, but y keeps p and q: x blocks 3 in all, y 2.
    const m = swarm(`y: { phaseCount: 1, phases: { "1": { needs: ["x:1"] } } }
x: { phaseCount: 1 }
p: { phaseCount: 1, phases: { "1": { needs: ["y:1"] } } }
q: { phaseCount: 1, phases: { "1": { needs: ["y:1"] } } }`);
    assert.deepEqual(
      rankBlockers(m.waitFor().wf, () => false).map((b) => `${b.session}:${b.blocks.length}/${b.transitive}`),
      ['x:1/3', 'y:2/2'],
    );
  });

  it('breaks ties by direct waiters, then by name', () => {
    const m = swarm(`z: { phaseCount: 1 }
y: { phaseCount: 1 }
x: { phaseCount: 1 }
p: { phaseCount: 1, phases: { "1": { needs: ["z:1", "y:1"] } } }
q: { phaseCount: 1, phases: { "1": { needs: ["z:1", "x:1"] } } }`);
    // Every blocker has 1 or 2 waiters and no chains: z (2 waiters) first, then x and y by name.
    assert.deepEqual(
      rankBlockers(m.waitFor().wf, () => false).map((b) => `${b.session}:${b.blocks.length}/${b.transitive}`),
      ['z:2/2', 'x:1/1', 'y:1/1'],
    );
  });

  it('orders the phases of a blocker by number, not as text', () => {
    const m = swarm(`a: { phaseCount: 10 }
b: { phaseCount: 1, phases: { "1": { needs: ["a:10"] } } }
c: { phaseCount: 1, phases: { "1": { needs: ["a:9"] } } }`);
    assert.deepEqual(rankBlockers(m.waitFor().wf, () => false)[0]!.phases, ['a:9', 'a:10']);
  });

  it('feeds the view: blockers and each session.transitiveBlocks', () => {
    const v = swarm(chain).view();
    assert.deepEqual(
      v.blockers.map((b) => b.session),
      ['a', 'c'],
    );
    assert.deepEqual(
      v.sessions.map((s) => [s.id, s.transitiveBlocks, s.blocks]),
      [
        ['a', 3, ['b', 'c']],
        ['b', 0, []],
        ['c', 1, ['d']],
        ['d', 0, []],
      ],
    );
  });
});

describe('waitFor: findDeadlocks', () => {
  it('finds no deadlock in a graph without cycles', () => {
    assert.deepEqual(
      findDeadlocks(
        swarm('a: { phaseCount: 1, phases: { "1": { needs: ["b:1"] } } }\nb: { phaseCount: 1 }').waitFor().wf,
      ),
      [],
    );
  });

  it('suggests dropping a need of the cycle, counting the sessions that waited through it', () => {
    // a:1 and b:1 need each other; c waits on a, so three sessions wait forever.
    const m = swarm(`a: { phaseCount: 1, phases: { "1": { needs: ["b:1"] } } }
b: { phaseCount: 1, phases: { "1": { needs: ["a:1"] } } }
c: { phaseCount: 1, phases: { "1": { needs: ["a:1"] } } }`);
    assert.deepEqual(findDeadlocks(m.waitFor().wf), [
      {
        sessions: ['a', 'b'],
        phases: ['a:1 -> b:1', 'b:1 -> a:1'],
        suggestion: {
          from: 'a',
          to: 'b',
          unblocks: 3,
          text: "drop or defer the need a:1 -> b:1 in .s2/swarm.yaml (or deliver a stub of b's phase first); frees 3 session(s)",
        },
      },
    ]);
  });

  it('prefers withdrawing a declared wait when it frees as many', () => {
    const m = swarm(`a: { phaseCount: 1, phases: { "1": { needs: ["b:1"] } } }
b: { phaseCount: 1 }`).status('b', { state: 'blocked', blockedOn: [blockedOn('a:1')] });
    assert.deepEqual(findDeadlocks(m.waitFor().wf)[0]!.suggestion, {
      from: 'b',
      to: 'a',
      unblocks: 2,
      text: 'b withdraws its declared wait on a (b:1 -> a:1); frees 2 session(s)',
    });
  });

  it('suggests the one edge whose removal breaks every cycle of the component', () => {
    // a→b, b→c, c→a and b→a: dropping a→b is the only single cut that leaves no cycle. The
    // plan lists c first, so a→b is the last edge tried: it must win on what it frees.
    const m = swarm(`c: { phaseCount: 1, phases: { "1": { needs: ["a:1"] } } }
b: { phaseCount: 1, phases: { "1": { needs: ["c:1", "a:1"] } } }
a: { phaseCount: 1, phases: { "1": { needs: ["b:1"] } } }`);
    const [d] = findDeadlocks(m.waitFor().wf);
    assert.deepEqual(d!.sessions, ['a', 'b', 'c']);
    assert.deepEqual(d!.phases, ['a:1 -> b:1', 'b:1 -> a:1', 'b:1 -> c:1', 'c:1 -> a:1']);
    assert.deepEqual([d!.suggestion.from, d!.suggestion.to, d!.suggestion.unblocks], ['a', 'b', 3]);
  });

  it('reports two separate cycles separately, sorted', () => {
    const m = swarm(`d: { phaseCount: 1, phases: { "1": { needs: ["c:1"] } } }
c: { phaseCount: 1, phases: { "1": { needs: ["d:1"] } } }
a: { phaseCount: 1, phases: { "1": { needs: ["b:1"] } } }
b: { phaseCount: 1, phases: { "1": { needs: ["a:1"] } } }`);
    const ds = findDeadlocks(m.waitFor().wf);
    assert.deepEqual(
      ds.map((d) => [d.sessions, d.suggestion.unblocks]),
      [
        [['a', 'b'], 2],
        [['c', 'd'], 2],
      ],
    );
  });

  it('raises one DEADLOCK violation per cycle in the view', () => {
    const v = swarm(`a: { phaseCount: 1, phases: { "1": { needs: ["b:1"] } } }
b: { phaseCount: 1, phases: { "1": { needs: ["a:1"] } } }`).view();
    assert.deepEqual(
      v.violations.filter((x) => x.code === 'DEADLOCK').map((x) => [x.session, x.ref]),
      [['a', 'a,b']],
    );
  });
});

describe('waitFor: criticalPath', () => {
  const plan = `a: { phaseCount: 3 }
b: { phaseCount: 2, phases: { "2": { needs: ["a:3"] } } }
c: { phaseCount: 2 }`;

  it('follows predecessors and needs to the longest chain of open phases', () => {
    const m = swarm(plan);
    assert.deepEqual(criticalPath(m.plan, m.waitFor().table), ['a:1', 'a:2', 'a:3', 'b:2']);
  });

  it('leaves out completed phases', () => {
    const m = swarm(plan).done('a', 1);
    assert.deepEqual(criticalPath(m.plan, m.waitFor().table), ['a:2', 'a:3', 'b:2']);
  });

  it("breaks a tie between chains by the session's own predecessor, then the plan's order", () => {
    // b:2 has two open one-phase chains behind it (b:1 and a:3); c:1→c:2 is as long but later.
    const m = swarm(plan).done('a', 2);
    assert.deepEqual(criticalPath(m.plan, m.waitFor().table), ['b:1', 'b:2']);
  });

  it('ignores a need that is complete (even unverified)', () => {
    const m = swarm(plan).done('a', 3);
    assert.deepEqual(criticalPath(m.plan, m.waitFor().table), ['b:1', 'b:2']);
  });

  it('is empty when everything is done', () => {
    const m = swarm(plan).done('a', 3).done('b', 2).done('c', 2);
    assert.deepEqual(criticalPath(m.plan, m.waitFor().table), []);
  });

  it('terminates on a cycle of needs', () => {
    const m = swarm(`a: { phaseCount: 1, phases: { "1": { needs: ["b:1"] } } }
b: { phaseCount: 1, phases: { "1": { needs: ["a:1"] } } }`);
    assert.deepEqual(criticalPath(m.plan, m.waitFor().table), ['b:1', 'a:1']);
  });

  it('is what the view shows', () => {
    assert.deepEqual(swarm(plan).view().criticalPath, ['a:1', 'a:2', 'a:3', 'b:2']);
  });
});
