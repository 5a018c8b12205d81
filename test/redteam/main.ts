import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { markdownReport, summaryTable } from './report';
import { loadScenarios, runScenario, ScenarioResult } from './runner';
import type { Scale } from './types';

/**
 * `npm run redteam [-- --ci] [-- name …]`: every scenario at full scale (or CI scale), one
 * after the other; the summary table on stdout and, for a full run of all scenarios, the
 * report in docs/RED-TEAM-RESULTS.md. Exit 1 when a scenario failed.
 */
async function run(argv: readonly string[]): Promise<number> {
  const scale: Scale = argv.includes('--ci') ? 'ci' : 'full';
  const only = argv.filter((a) => !a.startsWith('--'));
  const scenarios = loadScenarios(scale, only);
  const started = Date.now();
  const results: ScenarioResult[] = [];
  for (const sc of scenarios) {
    process.stdout.write(`▶ ${sc.name}: ${sc.title}\n`);
    const r = await runScenario(sc, scale, (l) => process.stdout.write(`${l}\n`));
    results.push(r);
    process.stdout.write(
      `  ${r.passed ? 'pass' : 'FAIL'} in ${(r.ms / 1000).toFixed(1)} s${r.error ? `\n  error: ${r.error.split('\n')[0]}` : ''}\n`,
    );
    for (const f of r.failures) process.stdout.write(`  ${f.gap ? 'gap' : 'failed'}: ${f.what}\n`);
    for (const d of r.detections.filter((x) => !x.ok))
      process.stdout.write(
        `  ${d.gap ? 'gap' : 'missed'}: ${d.code}${d.session ? ` ${d.session}` : ''} (first tick ${d.firstTick}, final ${d.finalCount})\n`,
      );
    for (const p of r.audit?.problems ?? []) process.stdout.write(`  audit: ${p}\n`);
    for (const p of r.duplicates) process.stdout.write(`  duplicate in final view: ${p}\n`);
  }
  const wall = Date.now() - started;
  process.stdout.write(`\n${summaryTable(results)}\n`);
  if (only.length === 0 && !argv.includes('--no-write')) {
    const file = path.resolve(__dirname, '../../../docs/RED-TEAM-RESULTS.md');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${markdownReport(results, scale, wall)}\n`);
    process.stdout.write(`\nwritten: ${file}\n`);
  }
  return results.every((r) => r.passed) ? 0 : 1;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  },
);
