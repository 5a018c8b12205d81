import { strict as assert } from 'node:assert';
import { summaryTable } from '../redteam/report';
import { loadScenarios, runScenario, ScenarioResult } from '../redteam/runner';

/**
 * The red-team scenarios at CI scale (at most 7 sessions, 12 for the push storm, a few MB for
 * the big blob): each must detect or refuse what it expects, by its tick, and lose nothing.
 * The full-scale run is `npm run redteam`, which also writes docs/RED-TEAM-RESULTS.md.
 */
describe('red team (CI scale): every scenario detected, nothing lost', function () {
  this.timeout(180_000);
  const results: ScenarioResult[] = [];
  after(() => {
    if (results.length) process.stdout.write(`\n${summaryTable(results)}\n`);
  });

  for (const sc of loadScenarios('ci')) {
    it(`${sc.name}: ${sc.title}`, async () => {
      const r = await runScenario(sc, 'ci');
      results.push(r);
      assert.equal(r.error, null, r.error ?? '');
      const hard = r.failures.filter((f) => !f.gap).map((f) => `tick ${f.tick}: ${f.what}`);
      assert.deepEqual(hard, [], 'every scripted expectation holds');
      const missed = r.detections
        .filter((d) => !d.ok && !d.gap)
        .map(
          (d) =>
            `${d.code}${d.session ? ` ${d.session}` : ''}: first tick ${d.firstTick}, by ${d.by}, ${d.finalCount} in the final view`,
        );
      assert.deepEqual(missed, [], 'every expected detection, by its tick, once in the final view');
      assert.ok(r.audit, 'audited');
      assert.equal(r.audit.lost, 0, `lost records: ${r.audit.problems.join('; ')}`);
      assert.equal(r.audit.unpublished, 0, r.audit.problems.join('; '));
      assert.deepEqual(r.duplicates, [], 'each violation once in the final view (known gaps aside)');
      assert.deepEqual(r.audit.problems, []);
      assert.ok(r.passed);
    });
  }
});
