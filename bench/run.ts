import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatGoals, formatTable, goals, rows } from './report';
import { ALL_SECTIONS, BenchConfig, FULL, runBench, Section, SMOKE } from './runner';
import { repoRoot } from './lib/util';

/**
 * `npm run bench`: every benchmark at full size, a table on stdout, the figures in
 * bench/results.json (gitignored). Options: --smoke (tiny sizes), --only read,tick,…
 * (sections: engine read cli tick contention alert extension remote), --keep (keep the temp repos),
 * --out FILE.
 */
async function run(): Promise<number> {
  const argv = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  let cfg: BenchConfig = argv.includes('--smoke') ? SMOKE : FULL;
  const only = arg('--only');
  if (only) {
    const want = only.split(',') as Section[];
    for (const s of want)
      if (!ALL_SECTIONS.includes(s)) throw new Error(`unknown section ${s}; one of ${ALL_SECTIONS.join(', ')}`);
    cfg = { ...cfg, sections: want };
  }
  if (argv.includes('--keep')) cfg = { ...cfg, keep: true };
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const res = await runBench(cfg, log);
  const rs = rows(res);
  const gs = goals(res, cfg);
  const out = arg('--out') ?? path.join(repoRoot(), 'bench', 'results.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ ...res, rows: rs, goals: gs }, null, 1));
  process.stdout.write(
    `\nS² benchmarks — ${res.startedAt}, ${res.machine.cpus} × ${res.machine.cpuModel}, node ${res.machine.node}, ${res.machine.git}\n\n`,
  );
  const busy =
    Math.max(...res.machine.loadAvgStart.slice(0, 1), ...res.machine.loadAvgEnd.slice(0, 1)) > res.machine.cpus;
  if (busy)
    process.stdout.write(
      `Note: the machine was busy (load average ${res.machine.loadAvgStart[0]!.toFixed(1)} at start, ${res.machine.loadAvgEnd[0]!.toFixed(1)} at end, on ${res.machine.cpus} cores): absolute times are inflated; the ratios against floors measured in the same run hold better.\n\n`,
    );
  process.stdout.write(
    `${formatTable(rs)}\n\nGoals\n${formatGoals(gs)}\n\nWhole run ${(res.totalMs / 1000).toFixed(0)} s; figures in ${path.relative(process.cwd(), out)}\n`,
  );
  return 0;
}

run().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
