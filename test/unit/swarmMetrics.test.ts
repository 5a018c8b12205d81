import { strict as assert } from 'node:assert';
import { computeMetrics } from '../../bench/swarm/swarmMetrics';
import { DEFAULTS, SESSIONS } from '../../bench/swarm/swarmPlan';
import type { SwarmRecords } from '../../bench/swarm/swarmRecords';
import type { AgentEvent, RunResult } from '../../bench/swarm/swarmRun';

/**
 * The swarm run's audit must be able to say no: a completion the CLI reported but the records
 * lack is a lost record, two `started` acknowledgements of one instruction are a double run,
 * and a phase waiting on a need is blocked until the need is verified.
 */
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number): number => T0 + s * 1000;

function run(records: Partial<SwarmRecords>, events: AgentEvent[]): RunResult {
  return {
    settings: { ...DEFAULTS, mode: 'gang-up', seed: 1, phases: 1 },
    durations: {},
    t0: T0,
    t1: at(100),
    finished: true,
    events,
    records: { completions: [], verifications: [], acks: [], witness: [], ledger: [], approvals: 0, ...records },
    violationsSeen: {},
    finalViolations: [],
    duplicates: 0,
    interventions: [],
    incompletePhases: [],
    cacheDisagrees: [],
    root: '/nowhere',
  };
}

const complete = (session: string, s: number) => ({
  session,
  forSession: session,
  phase: 1,
  commit: `c-${session}`,
  at: at(s),
});
const ack = (session: string, s: number) => ({ session, instruction: `${session}-p1`, outcome: 'started', at: at(s) });

describe('swarm run audit', () => {
  it('counts nothing lost and nothing run twice when the records hold every reported write', () => {
    const m = computeMetrics(
      run({ completions: SESSIONS.map((s) => complete(s, 10)), acks: SESSIONS.map((s) => ack(s, 1)) }, [
        { t: at(1), session: 'sip', kind: 'work-start', ref: 'sip:1' },
        { t: at(10), session: 'sip', kind: 'complete', ref: 'sip:1', code: 0 },
      ]),
    );
    assert.equal(m.recordsLost, 0);
    assert.equal(m.instructions.twice, 0);
    assert.equal(m.makespanS, 10);
  });

  it('reports a completion the CLI acknowledged but the records lack as lost', () => {
    const m = computeMetrics(
      run({ acks: [ack('sip', 1)] }, [
        { t: at(1), session: 'sip', kind: 'work-start', ref: 'sip:1' },
        { t: at(10), session: 'sip', kind: 'complete', ref: 'sip:1', code: 0 },
        { t: at(10), session: 'sip', kind: 'spend', usd: 1, code: 0 },
      ]),
    );
    assert.equal(m.recordsLost, 2);
    assert.deepEqual(m.lostDetail, ['completion sip:1', '1 ledger line(s) of sip']);
  });

  it('reports an instruction acknowledged as started twice', () => {
    const m = computeMetrics(run({ acks: [ack('sip', 1), { ...ack('sip', 2), session: 'sip' }] }, []));
    assert.equal(m.instructions.twice, 1);
  });
});
