import { strict as assert } from 'node:assert';
import { activityKey } from '../../src/core/activityKey';
import { checkDue, nextCheckAt, probeDelay, ProbeSettings } from '../../src/core/probeSchedule';
import { manifest, MemorySwarm } from '../helpers/memorySwarm';

const S: ProbeSettings = { probeMs: 5000, maxMs: 60_000 };

/** The checks an idle loop makes in [0, untilMs) after activity at 0, checking the moment each is due. */
function idleChecks(untilMs: number, s: ProbeSettings = S): number[] {
  const at: number[] = [];
  let last: number | null = null;
  for (let t = 0; t < untilMs; t += 100)
    if (checkDue({ lastCheckAt: last, lastActivityAt: 0 }, t, s)) {
      at.push(t);
      last = t;
    }
  return at;
}

describe('probeSchedule: when a loop asks the remote', () => {
  it('checks at the probe pace right after activity, and first of all at once', () => {
    assert.equal(nextCheckAt({ lastCheckAt: null, lastActivityAt: 0 }, S), -Infinity);
    assert.equal(probeDelay(0, S), 5000);
    assert.equal(probeDelay(8000, S), 5000);
    assert.equal(probeDelay(-3000, S), 5000, 'activity after the check: the probe pace');
  });

  it('waits half the quiet time so far, capped at maxMs', () => {
    assert.equal(probeDelay(30_000, S), 15_000);
    assert.equal(probeDelay(60_000, S), 30_000);
    assert.equal(probeDelay(10 * 60_000, S), 60_000);
  });

  it('an idle loop makes ≤ 2 checks in the minute after a minute of quiet, and 1 a minute after two', () => {
    const checks = idleChecks(5 * 60_000);
    const inMinute = (m: number): number => checks.filter((t) => t >= m * 60_000 && t < (m + 1) * 60_000).length;
    assert.ok(inMinute(0) >= 6, `busy at first: ${checks.join(', ')}`);
    assert.ok(inMinute(1) <= 2, `minute 2: ${inMinute(1)}`);
    for (const m of [2, 3, 4]) assert.ok(inMinute(m) <= 1, `minute ${m + 1}: ${inMinute(m)}`);
    const gaps = checks.slice(1).map((t, i) => t - checks[i]!);
    assert.ok(Math.max(...gaps) <= S.maxMs + 100, 'never longer than the cap');
    for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i]! >= gaps[i - 1]!, `gaps never shrink while quiet: ${gaps}`);
  });

  it('activity brings the next check forward to one probe after the last check, never later', () => {
    const quiet = { lastCheckAt: 200_000, lastActivityAt: 0 };
    const busy = { lastCheckAt: 200_000, lastActivityAt: 230_000 };
    assert.equal(nextCheckAt(quiet, S), 260_000);
    assert.equal(nextCheckAt(busy, S), 205_000);
    assert.ok(checkDue(busy, 230_000, S));
    // Whatever the activity clock says (a hint from a rogue included), the next check is never past the cap.
    for (const act of [-1e12, 0, 199_999, 200_000, 1e12])
      assert.ok(nextCheckAt({ lastCheckAt: 200_000, lastActivityAt: act }, S) <= 200_000 + S.maxMs);
  });

  it('a cap below the probe pace means the probe pace', () => {
    assert.equal(probeDelay(1e9, { probeMs: 5000, maxMs: 1000 }), 5000);
  });
});

describe('activityKey: what counts as news', () => {
  const plan = manifest({ a: 'phaseCount: 3', b: 'phaseCount: 3' });
  const base = (): MemorySwarm => new MemorySwarm(plan).status('a', { phase: 1 }).status('b', { phase: 1 });

  it('a heartbeat (seq, updatedAt, heartbeatAt, signature) is not news', () => {
    const s = base();
    const before = activityKey(s.snapshot());
    s.status('b', { phase: 1, heartbeatAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z' });
    assert.equal(activityKey(s.snapshot()), before);
  });

  it('a block, a phase, a completion, spend, work and an approval are', () => {
    const changes: [string, (s: MemorySwarm) => void][] = [
      ['block', (s) => s.status('b', { phase: 1, blockedOn: [{ on: 'a:2', reason: 'r', since: 'x' }] })],
      ['phase', (s) => s.status('b', { phase: 2 })],
      ['completion', (s) => s.complete('b', 1)],
      ['spend', (s) => s.spend('b', 1)],
      ['work', (s) => s.workTip('b', 'f'.repeat(40))],
      ['approval', (s) => s.approve('b', 10)],
    ];
    for (const [what, change] of changes) {
      const s = base();
      const before = activityKey(s.snapshot());
      change(s);
      assert.notEqual(activityKey(s.snapshot()), before, what);
    }
  });
});
