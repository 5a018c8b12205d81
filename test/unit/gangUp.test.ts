import { strict as assert } from 'node:assert';
import { consumerTask, expertiseOverlap, planGangUp, providerTasks } from '../../src/core/gangUp';
import { rankBlockers } from '../../src/core/waitFor';
import type { GangUpPlan } from '../../src/core/viewTypes';
import { ago, MemorySwarm } from '../helpers/memorySwarm';

/**
 * bus:1 ("Wire", expertise rtp) blocks four sessions. Their overlap with bus + rtp:
 * h323 2, sip 1, cli 0, ui 0.
 */
const yaml = (top = '', busPhase = ''): string => `swarm: gang
${top}
sessions:
  bus: { expertise: [bus], phaseCount: 2, phases: { "1": { title: Wire, expertise: [rtp]${busPhase} } } }
  cli: { expertise: [cli], phaseCount: 1, phases: { "1": { needs: ["bus:1"] } } }
  sip: { expertise: [rtp], phaseCount: 1, phases: { "1": { needs: ["bus:1"] } } }
  ui: { phaseCount: 1, phases: { "1": { needs: ["bus:1"] } } }
  h323: { expertise: [bus, rtp], phaseCount: 1, phases: { "1": { needs: ["bus:1"] } } }
`;

const IMPLEMENT = 'implement part of bus:1 (Wire)';
const TESTS = 'write and fix the failing tests of bus:1 (Wire)';
const REVIEW = 'review and harden bus:1 (Wire)';

const tasks = (plans: readonly GangUpPlan[]): string[][] =>
  plans.flatMap((p) => p.tasks.map((t) => [`${p.blocker}:${p.phase}`, t.helper, t.side, t.task, String(t.claimed)]));

describe('gangUp: tasks and overlap', () => {
  it("offers three provider tasks named after the blocker's phase by default", () => {
    assert.deepEqual(providerTasks(new MemorySwarm(yaml()).plan, 'bus', 1), [IMPLEMENT, TESTS, REVIEW]);
  });

  it("offers the manifest's helpTasks instead, when it lists them", () => {
    const plan = new MemorySwarm(yaml('', ', helpTasks: [codec, jitter buffer]')).plan;
    assert.deepEqual(providerTasks(plan, 'bus', 1), ['codec', 'jitter buffer']);
  });

  it('names the consumer side of the integration', () => {
    assert.equal(
      consumerTask('cli', 'bus', 1),
      "build cli's side of the cli↔bus:1 integration against its contract (adapter, stubs, tests)",
    );
  });

  const overlaps: [string, number][] = [
    ['h323', 2],
    ['sip', 1],
    ['cli', 0],
    ['ui', 0],
    ['ghost', 0],
  ];
  for (const [helper, n] of overlaps)
    it(`counts ${helper}'s expertise overlap with bus and phase 1 as ${n}`, () => {
      assert.equal(expertiseOverlap(new MemorySwarm(yaml()).plan, helper, 'bus', 1), n);
    });

  it("counts only the session's expertise for a phase that names none", () => {
    assert.equal(expertiseOverlap(new MemorySwarm(yaml()).plan, 'sip', 'bus', 2), 0);
    assert.equal(expertiseOverlap(new MemorySwarm(yaml()).plan, 'h323', 'bus', 2), 1);
  });
});

describe('gangUp: planGangUp', () => {
  it('caps the helpers per blocker, best expertise first, providers on the provider side', () => {
    assert.deepEqual(tasks(new MemorySwarm(yaml()).view().gangUp), [
      ['bus:1', 'h323', 'provider', IMPLEMENT, 'false'],
      ['bus:1', 'sip', 'provider', TESTS, 'false'],
    ]);
  });

  it('puts helpers without matching expertise on the consumer side, in name order', () => {
    assert.deepEqual(tasks(new MemorySwarm(yaml('polling: { maxHelpersPerBlocker: 4 }')).view().gangUp), [
      ['bus:1', 'h323', 'provider', IMPLEMENT, 'false'],
      ['bus:1', 'sip', 'provider', TESTS, 'false'],
      ['bus:1', 'cli', 'consumer', consumerTask('cli', 'bus', 1), 'false'],
      ['bus:1', 'ui', 'consumer', consumerTask('ui', 'bus', 1), 'false'],
    ]);
  });

  it('never gives a task twice: once the provider tasks run out, an expert works the consumer side', () => {
    const m = new MemorySwarm(yaml('polling: { maxHelpersPerBlocker: 3 }', ', helpTasks: [codec]'));
    assert.deepEqual(tasks(m.view().gangUp), [
      ['bus:1', 'h323', 'provider', 'codec', 'false'],
      ['bus:1', 'sip', 'consumer', consumerTask('sip', 'bus', 1), 'false'],
      ['bus:1', 'cli', 'consumer', consumerTask('cli', 'bus', 1), 'false'],
    ]);
  });

  it('counts live claims against the cap, lists them as claimed and does not offer their task again', () => {
    const m = new MemorySwarm(yaml()).status('cli', {
      helping: {
        session: 'bus',
        phase: 1,
        task: IMPLEMENT,
        side: 'provider',
        claimedAt: ago(60),
        leaseSeconds: 900,
        workTipAtClaim: null,
      },
    });
    assert.deepEqual(tasks(m.view().gangUp), [
      ['bus:1', 'cli', 'provider', IMPLEMENT, 'true'],
      ['bus:1', 'h323', 'provider', TESTS, 'false'],
    ]);
  });

  const unavailable: [string, (m: MemorySwarm) => MemorySwarm][] = [
    ['stale', (m) => m.status('h323', { heartbeatAt: ago(3600) })],
    ['in error', (m) => m.status('h323', { state: 'error' })],
    ['out of budget', (m) => m.spend('h323', 20)],
  ];
  for (const [name, build] of unavailable) {
    it(`leaves out a helper that is ${name}`, () => {
      assert.deepEqual(
        tasks(build(new MemorySwarm(yaml())).view().gangUp).map((t) => t[1]),
        ['sip', 'cli'],
      );
    });
  }

  it('gives a session waiting on two blockers one task in all', () => {
    const m = new MemorySwarm(`swarm: two
sessions:
  a: { phaseCount: 1 }
  b: { phaseCount: 1 }
  w: { phaseCount: 1, phases: { "1": { needs: ["a:1", "b:1"] } } }
`);
    assert.deepEqual(tasks(m.view().gangUp), [['a:1', 'w', 'consumer', consumerTask('w', 'a', 1), 'false']]);
  });

  it('plans each waited-on phase of a blocker separately', () => {
    const m = new MemorySwarm(`swarm: phases
sessions:
  a: { phaseCount: 2 }
  x: { phaseCount: 1, phases: { "1": { needs: ["a:2"] } } }
  y: { phaseCount: 1, phases: { "1": { needs: ["a:1"] } } }
`);
    assert.deepEqual(
      m.view().gangUp.map((p) => [p.blocker, p.phase, p.tasks.map((t) => t.helper)]),
      [
        ['a', 1, ['y']],
        ['a', 2, ['x']],
      ],
    );
  });

  it('is deterministic: the same snapshot built in another order gives the same plan', () => {
    const forward = new MemorySwarm(yaml('polling: { maxHelpersPerBlocker: 4 }'));
    const backward = new MemorySwarm(yaml('polling: { maxHelpersPerBlocker: 4 }'));
    for (const s of ['bus', 'cli', 'sip', 'ui', 'h323']) forward.status(s);
    for (const s of ['h323', 'ui', 'sip', 'cli', 'bus']) backward.status(s);
    const a = forward.view().gangUp;
    assert.deepEqual(backward.view().gangUp, a);
    assert.deepEqual(forward.view().gangUp, a);
    assert.equal(new Set(a.flatMap((p) => p.tasks.map((t) => t.task))).size, 4);
  });

  it('called directly: leaves out whoever the unavailable callback names', () => {
    const m = new MemorySwarm(yaml('polling: { maxHelpersPerBlocker: 4 }'));
    const { wf } = m.waitFor();
    const plans = planGangUp(
      m.plan,
      wf,
      rankBlockers(wf, () => false),
      [],
      (s) => s === 'sip' || s === 'ui',
    );
    assert.deepEqual(tasks(plans), [
      ['bus:1', 'h323', 'provider', IMPLEMENT, 'false'],
      ['bus:1', 'cli', 'consumer', consumerTask('cli', 'bus', 1), 'false'],
    ]);
  });
});
