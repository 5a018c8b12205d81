import { strict as assert } from 'node:assert';
import { BUDGET_WARN_FRACTION, round2, sessionBudget, swarmBudget } from '../../src/core/budget';
import { MemorySwarm } from '../helpers/memorySwarm';

const yaml = (top = ''): string => `swarm: budget
${top}
sessions:
  sip: { budgetUsd: 10, phaseCount: 1 }
  bus: { budgetUsd: 4, phaseCount: 1 }
  free: { budgetUsd: 0, phaseCount: 1 }
`;

describe('budget: sessionBudget', () => {
  it('is the manifest cap and nothing spent when the ledger is empty', () => {
    const m = new MemorySwarm(yaml());
    assert.deepEqual(sessionBudget(m.snapshot(), 'sip'), {
      spendUsd: 0,
      capUsd: 10,
      fraction: 0,
      byModel: {},
      meteredUsd: 0,
      reportedUsd: 0,
    });
  });

  it('sums the ledger, per model too, rounded to cents', () => {
    const m = new MemorySwarm(yaml()).spend('sip', 0.1, 'opus').spend('sip', 0.2, 'opus').spend('sip', 2.25, 'haiku');
    const b = sessionBudget(m.snapshot(), 'sip');
    assert.equal(b.spendUsd, 2.55);
    assert.deepEqual(b.byModel, { opus: 0.3, haiku: 2.25 });
    assert.equal(b.capUsd, 10);
    assert.ok(Math.abs(b.fraction - 0.255) < 1e-9, `fraction ${b.fraction}`);
  });

  it("counts only the session's own ledger", () => {
    const m = new MemorySwarm(yaml()).spend('bus', 3).spend('sip', 1);
    assert.equal(sessionBudget(m.snapshot(), 'sip').spendUsd, 1);
    assert.equal(sessionBudget(m.snapshot(), 'bus').spendUsd, 3);
  });

  it('raises the cap by every approval for the session, and only those', () => {
    const m = new MemorySwarm(yaml())
      .spend('sip', 12)
      .approve('sip', 5)
      .approve('sip', 2.5, 'bob')
      .approve('bus', 100)
      .approve('*', 100);
    const b = sessionBudget(m.snapshot(), 'sip');
    assert.equal(b.capUsd, 17.5);
    assert.ok(Math.abs(b.fraction - 12 / 17.5) < 1e-9);
  });

  const fractions: [string, number[], number][] = [
    ['under the warning line', [7.99], 0.799],
    ['at the warning line', [8], BUDGET_WARN_FRACTION],
    ['exactly spent', [4, 6], 1],
    ['overspent', [15], 1.5],
  ];
  for (const [name, spends, want] of fractions) {
    it(`fraction of a $10 cap: ${name}`, () => {
      const m = new MemorySwarm(yaml());
      for (const usd of spends) m.spend('sip', usd);
      assert.ok(Math.abs(sessionBudget(m.snapshot(), 'sip').fraction - want) < 1e-9);
    });
  }

  it('is Infinity when the cap is 0 and anything was spent', () => {
    const m = new MemorySwarm(yaml()).spend('free', 0.01);
    assert.equal(sessionBudget(m.snapshot(), 'free').fraction, Infinity);
  });

  it('is 0 (not NaN) when the cap is 0 and nothing was spent', () => {
    const m = new MemorySwarm(yaml());
    assert.equal(sessionBudget(m.snapshot(), 'free').fraction, 0);
  });

  it('leaves a cap of 0 once an approval raised it', () => {
    const m = new MemorySwarm(yaml()).spend('free', 1).approve('free', 4);
    assert.deepEqual(sessionBudget(m.snapshot(), 'free'), {
      spendUsd: 1,
      capUsd: 4,
      fraction: 0.25,
      byModel: { 'claude-test': 1 },
      meteredUsd: 0,
      reportedUsd: 1,
    });
  });

  it('gives a session the manifest does not know a cap of 0', () => {
    const m = new MemorySwarm(yaml());
    assert.deepEqual(sessionBudget(m.snapshot(), 'ghost'), {
      spendUsd: 0,
      capUsd: 0,
      fraction: 0,
      byModel: {},
      meteredUsd: 0,
      reportedUsd: 0,
    });
  });

  it('shows up in the view: budgetFraction, the warning and the exceeded violation', () => {
    const m = new MemorySwarm(yaml()).spend('sip', 8).spend('bus', 4);
    const v = m.view();
    assert.equal(v.sessions.find((s) => s.id === 'sip')!.budgetFraction, 0.8);
    const codes = v.violations.filter((x) => x.code.startsWith('BUDGET')).map((x) => `${x.code}:${x.session}`);
    assert.deepEqual(codes.sort(), ['BUDGET_EXCEEDED:bus', 'BUDGET_WARNING:sip']);
  });

  // A negative ledger entry (written around the CLI) must not un-spend past BUDGET_EXCEEDED.
  it('does not let a negative ledger entry lower the spend', () => {
    const m = new MemorySwarm(yaml()).spend('sip', 12).spend('sip', -5);
    assert.ok(sessionBudget(m.snapshot(), 'sip').spendUsd >= 12);
  });
});

describe('budget: swarmBudget', () => {
  it('is null when the manifest sets no swarm budget', () => {
    const m = new MemorySwarm(yaml()).spend('sip', 3);
    assert.equal(swarmBudget(m.snapshot(), m.plan), null);
    assert.equal(m.view().swarmBudgetUsd, null);
  });

  it("sums every session's spend and models against the swarm cap", () => {
    const m = new MemorySwarm(yaml('budget: { swarmUsd: 20 }'))
      .spend('sip', 3, 'opus')
      .spend('bus', 2, 'opus')
      .spend('bus', 1, 'haiku');
    assert.deepEqual(swarmBudget(m.snapshot(), m.plan), {
      spendUsd: 6,
      capUsd: 20,
      fraction: 0.3,
      byModel: { opus: 5, haiku: 1 },
      meteredUsd: 0,
      reportedUsd: 6,
    });
  });

  it("counts only '*' approvals toward the swarm cap", () => {
    const m = new MemorySwarm(yaml('budget: { swarmUsd: 20 }')).approve('*', 10).approve('*', 5).approve('sip', 50);
    assert.equal(swarmBudget(m.snapshot(), m.plan)!.capUsd, 35);
  });

  it('ignores the ledger of a session the manifest does not name', () => {
    const m = new MemorySwarm(yaml('budget: { swarmUsd: 20 }')).spend('ghost', 100).spend('sip', 1);
    assert.equal(swarmBudget(m.snapshot(), m.plan)!.spendUsd, 1);
  });

  it('is Infinity when the swarm cap is 0 and anything was spent, and 0 when nothing was', () => {
    const none = new MemorySwarm(yaml('budget: { swarmUsd: 0 }'));
    assert.equal(swarmBudget(none.snapshot(), none.plan)!.fraction, 0);
    const m = new MemorySwarm(yaml('budget: { swarmUsd: 0 }')).spend('bus', 0.5);
    assert.equal(swarmBudget(m.snapshot(), m.plan)!.fraction, Infinity);
  });

  it('raises SWARM_BUDGET_EXCEEDED in the view when spent', () => {
    const m = new MemorySwarm(yaml('budget: { swarmUsd: 5 }')).spend('sip', 3).spend('bus', 2);
    const v = m.view();
    assert.equal(v.swarmSpendUsd, 5);
    assert.equal(v.swarmBudgetUsd, 5);
    assert.deepEqual(
      v.violations.filter((x) => x.code === 'SWARM_BUDGET_EXCEEDED').map((x) => x.message),
      ["the swarm spent $5 of its $5 budget; an approver must raise it (s2 approve '*' --usd N)"],
    );
  });
});

describe('budget: round2', () => {
  const cases: [number, number][] = [
    [0.1 + 0.2, 0.3],
    [1.005 * 1000, 1005],
    [2.345, 2.35],
    [-1.234, -1.23],
    [0, 0],
  ];
  for (const [x, want] of cases) it(`round2(${x}) = ${want}`, () => assert.equal(round2(x), want));
});
