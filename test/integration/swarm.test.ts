import { strict as assert } from 'node:assert';
import { computeMetrics } from '../../bench/swarm/swarmMetrics';
import { DEFAULTS, FAULTS } from '../../bench/swarm/swarmPlan';
import { runSwarm } from '../../bench/swarm/swarmRun';

/**
 * The CI-sized `npm run swarm`: the 7-session swarm, 8 phases each, in real git, one `s2 poll`
 * loop per session with the stand-in agent as executor, and every fault (kill and restart,
 * a silent session adopted, a failed verification, a spawn storm at the hook, a budget stop
 * waiting for an approval). It fails if any phase is left unfinished, any instruction runs
 * twice, or any record is lost. No timing is asserted: on a busy machine it is only slower.
 */
describe('a whole swarm runs itself end to end (CI size)', function () {
  this.timeout(1_200_000);

  it('finishes every phase of 7 sessions through the real loop and CLI, each instruction once, no record lost', async () => {
    const log: string[] = [];
    const r = await runSwarm(
      { ...DEFAULTS, mode: 'gang-up', seed: 7, phases: 8, scale: 0.03, timeoutSeconds: 1_000 },
      (l) => log.push(l),
    );
    const m = computeMetrics(r);
    const context = `\n${log.slice(-30).join('\n')}`;
    assert.deepEqual(m.incomplete, [], `unfinished phases${context}`);
    assert.ok(m.finished, `the run did not finish${context}`);
    assert.equal(m.instructions.acked, 7 * 8, 'every instruction acknowledged');
    assert.equal(m.instructions.twice, 0, 'an instruction ran twice');
    assert.equal(m.recordsLost, 0, `records lost: ${m.lostDetail.join('; ')}`);
    // The faults happened and were handled by the guards.
    assert.ok(m.instructions.retries >= 1, 'the killed phase was retried as a counted attempt');
    const silent = `${FAULTS.silent.session}:${FAULTS.silent.phase}`;
    assert.ok(
      m.bars.some((b) => b.ref === silent && b.completedBy !== FAULTS.silent.session),
      `${silent} was adopted and completed by another session`,
    );
    assert.match(m.badCompletion, /^caught: .*passed$/, 'the bad completion failed verification, then passed');
    assert.ok(m.storm.hook && m.storm.allowed >= 1 && m.storm.allowed <= 7, `storm: ${JSON.stringify(m.storm)}`);
    assert.ok(m.approvals >= 1, 'the spent budget was raised by an approval');
    assert.equal(m.duplicates, 0, 'no patch was made twice');
  });
});
