import { strict as assert } from 'node:assert';
import { heartbeatAgeSeconds, isStale, staleAfterSeconds } from '../../src/core/liveness';
import { ago, MemorySwarm, NOW } from '../helpers/memorySwarm';

const yaml = (polling = ''): string => `swarm: live
${polling}
sessions:
  sip: { phaseCount: 2 }
  bus: { phaseCount: 1 }
`;

/** A status record with its heartbeat at `heartbeatAt`. */
const statusAt = (heartbeatAt: string) =>
  new MemorySwarm(yaml()).status('sip', { heartbeatAt }).snapshot().sessions['sip']!.status;

describe('liveness: staleAfterSeconds', () => {
  const cases: [string, string, number][] = [
    ['the defaults (60 s heartbeat, 30 s poll)', '', 210],
    ['a 10 s heartbeat and a 5 s poll', 'polling: { heartbeatSeconds: 10, intervalSeconds: 5 }', 35],
    ['a 20 s heartbeat and the default poll', 'polling: { heartbeatSeconds: 20 }', 90],
  ];
  for (const [name, polling, want] of cases)
    it(`is 3 × heartbeat + poll interval: ${name} → ${want} s`, () => {
      assert.equal(staleAfterSeconds(new MemorySwarm(yaml(polling)).plan), want);
    });
});

describe('liveness: heartbeatAgeSeconds', () => {
  const cases: [string, string, number | null][] = [
    ['now', NOW.toISOString(), 0],
    ['a minute ago', ago(60), 60],
    ['1.4 s ago (rounds down)', ago(1.4), 1],
    ['1.5 s ago (rounds up)', ago(1.5), 2],
    ['in the future (clock skew) counts as 0', ago(-30), 0],
    ['unparseable', 'yesterday-ish', null],
  ];
  for (const [name, at, want] of cases)
    it(`heartbeat ${name} → ${want}`, () => assert.equal(heartbeatAgeSeconds(statusAt(at), NOW), want));

  it('is null without a status', () => assert.equal(heartbeatAgeSeconds(null, NOW), null));
});

describe('liveness: isStale', () => {
  const plan = new MemorySwarm(yaml()).plan;
  const cases: [string, string, boolean, boolean][] = [
    ['at the threshold (210 s)', ago(210), false, false],
    ['210.4 s (rounds to 210)', ago(210.4), false, false],
    ['210.5 s (rounds to 211)', ago(210.5), false, true],
    ['past the threshold (211 s)', ago(211), false, true],
    ['long silent', ago(86_400), false, true],
    ['long silent but done', ago(86_400), true, false],
    ['fresh and done', ago(0), true, false],
    ['unparseable heartbeat', 'not a time', false, false],
  ];
  for (const [name, at, done, want] of cases)
    it(`${name} → ${want ? 'stale' : 'live'}`, () => assert.equal(isStale(plan, statusAt(at), NOW, done), want));

  // A heartbeat a year ahead once counted as age 0: never stale, never adoptable.
  it('does not let a heartbeat from far in the future keep a silent session live', () => {
    assert.equal(isStale(plan, statusAt(ago(-365 * 86_400)), NOW), true);
  });

  it('is never stale without a status (nothing to judge)', () => assert.equal(isStale(plan, null, NOW), false));
});

describe('liveness in the view', () => {
  it('shows a silent session as stale, with a STALE_HEARTBEAT warning giving its age', () => {
    const v = new MemorySwarm(yaml()).status('sip', { heartbeatAt: ago(600) }).view();
    const sip = v.sessions.find((s) => s.id === 'sip')!;
    assert.deepEqual([sip.state, sip.stale, sip.heartbeatAgeSeconds], ['stale', true, 600]);
    assert.deepEqual(
      v.violations.filter((x) => x.code === 'STALE_HEARTBEAT').map((x) => [x.session, x.severity, x.message]),
      [['sip', 'warning', 'sip has not sent a heartbeat for 10 min']],
    );
  });

  it('uses the manifest polling settings for the threshold', () => {
    const m = new MemorySwarm(yaml('polling: { heartbeatSeconds: 10, intervalSeconds: 5 }'));
    assert.equal(m.status('sip', { heartbeatAt: ago(36) }).view().sessions[0]!.stale, true);
    assert.equal(m.status('sip', { heartbeatAt: ago(35) }).view().sessions[0]!.stale, false);
  });

  it('never marks a session stale once its completions show every phase done', () => {
    const v = new MemorySwarm(yaml())
      .done('bus', 1)
      .status('bus', { heartbeatAt: ago(86_400) })
      .view();
    const bus = v.sessions.find((s) => s.id === 'bus')!;
    assert.deepEqual([bus.state, bus.stale], ['done', false]);
    assert.equal(v.violations.filter((x) => x.code === 'STALE_HEARTBEAT').length, 0);
  });

  it('does not take the status word for done: a silent session that says done but is not is stale', () => {
    const v = new MemorySwarm(yaml())
      .done('sip', 1)
      .status('sip', { state: 'done', heartbeatAt: ago(86_400) })
      .view();
    const sip = v.sessions.find((s) => s.id === 'sip')!;
    assert.deepEqual([sip.state, sip.stale], ['stale', true]);
  });

  it('marks the open phase of a started, stale session as stalled', () => {
    const v = new MemorySwarm(yaml()).status('sip', { phase: 1, heartbeatAt: ago(600) }).view();
    assert.equal(v.sessions.find((s) => s.id === 'sip')!.phases[0]!.state, 'stalled');
  });
});
