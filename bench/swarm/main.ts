import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computeMetrics, type RunMetrics } from './swarmMetrics';
import { DEFAULTS, MODES, type Mode, type RunSettings } from './swarmPlan';
import { effectLine, renderReport } from './swarmReport';
import { runSwarm } from './swarmRun';
import { timelineSvg } from './swarmTimeline';

/**
 * `npm run swarm`: the whole swarm end to end, in each mode (gang-up, no-gang-up, v1) and
 * for several seeds, then docs/SWARM-RUN.md with the comparison and the timeline pictures.
 * Exit 1 when a run left a phase unfinished, ran an instruction twice or lost a record.
 */
const USAGE = `npm run swarm [-- options]

  --seeds 1,2,3        seeds (phase durations are drawn from each); default 1,2,3
  --modes a,b          gang-up, no-gang-up, v1; default all three
  --scale S            real seconds per model second (default ${DEFAULTS.scale})
  --phases N           phases per session (default ${DEFAULTS.phases})
  --topology T         worktree (default) or remote (a bare remote and a clone per session)
  --out FILE           the report (default docs/SWARM-RUN.md; the SVGs go beside it)
  --no-report          print the summary only
  --report-from FILE   only render the report from saved figures (bench/swarm-results.json)
  --keep               keep the temporary repositories (their paths are printed)
`;

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function repoRoot(): string {
  return path.resolve(__dirname, '../../..');
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const from = arg(argv, '--report-from');
  if (from) return reportFrom(from, arg(argv, '--out'));
  const seeds = (arg(argv, '--seeds') ?? '1,2,3').split(',').map(Number);
  const modes = (arg(argv, '--modes') ?? MODES.join(',')).split(',') as Mode[];
  for (const m of modes)
    if (!MODES.includes(m)) throw new UsageError(`unknown mode "${m}"; one of ${MODES.join(', ')}`);
  if (seeds.some((s) => !Number.isInteger(s))) throw new UsageError('--seeds takes integers, e.g. 1,2,3');
  const topology = arg(argv, '--topology') ?? DEFAULTS.topology;
  if (topology !== 'worktree' && topology !== 'remote') throw new UsageError('--topology is worktree or remote');
  const base: Omit<RunSettings, 'mode' | 'seed'> = {
    ...DEFAULTS,
    scale: Number(arg(argv, '--scale') ?? DEFAULTS.scale),
    phases: Number(arg(argv, '--phases') ?? DEFAULTS.phases),
    topology,
  };
  if (!(base.scale > 0) || !(base.phases >= 1 && base.phases <= 10))
    throw new UsageError('--scale must be positive and --phases 1..10');
  const log = (l: string): void => void process.stderr.write(`${l}\n`);
  const startedAt = new Date().toISOString();
  const loadStart = os.loadavg()[0]!;
  const t0 = Date.now();
  const runs: RunMetrics[] = [];
  for (const seed of seeds)
    for (const mode of modes) {
      const r = await runSwarm({ ...base, mode, seed }, log, { keep: argv.includes('--keep') });
      const m = computeMetrics(r);
      runs.push(m);
      log(
        `${mode} seed ${seed}: ${m.finished ? 'finished' : `UNFINISHED (${m.incomplete.join(', ')})`} in ${m.makespanS.toFixed(1)} s; blocked ${m.blockedTotalS.toFixed(1)} s; help ${m.help.taken}/${m.help.productive}/${m.help.expired}; twice ${m.instructions.twice}; lost ${m.recordsLost}; violations ${JSON.stringify(m.violations)}`,
      );
    }
  const meta: RunMeta = {
    command: `npm run swarm -- ${argv.join(' ')}`.trim(),
    startedAt,
    wallSeconds: (Date.now() - t0) / 1000,
    machine: { cpus: os.cpus().length, loadStart, loadEnd: os.loadavg()[0]! },
    settings: base,
  };
  const results = path.join(repoRoot(), 'bench', 'swarm-results.json');
  writeFileSync(results, JSON.stringify({ meta, runs }, null, 1));
  process.stdout.write(`\n${effectLine(runs)}\n`);
  if (!argv.includes('--no-report')) writeReport(meta, runs, arg(argv, '--out'), log);
  const bad = runs.filter((m) => !m.finished || m.instructions.twice > 0 || m.recordsLost > 0);
  for (const m of bad)
    log(
      `FAILED ${m.mode} seed ${m.seed}: unfinished ${m.incomplete.length}, run twice ${m.instructions.twice}, lost ${m.recordsLost} ${m.lostDetail.join('; ')}`,
    );
  return bad.length ? 1 : 0;
}

class UsageError extends Error {}

interface RunMeta {
  readonly command: string;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly machine: { readonly cpus: number; readonly loadStart: number; readonly loadEnd: number };
  readonly settings: Omit<RunSettings, 'mode' | 'seed'>;
  readonly note?: string;
}

/** docs/SWARM-RUN.md and one timeline SVG per mode (the first seed), beside it. */
function writeReport(
  meta: RunMeta,
  runs: readonly RunMetrics[],
  outArg: string | undefined,
  log: (l: string) => void,
): void {
  const out = path.resolve(outArg ?? path.join(repoRoot(), 'docs', 'SWARM-RUN.md'));
  mkdirSync(path.dirname(out), { recursive: true });
  const seed = runs[0]?.seed;
  const first = runs.filter((r) => r.seed === seed);
  const longest = Math.max(...first.map((r) => r.makespanS * 1000));
  const timelines = first.map((m) => {
    const file = `swarm-timeline-${m.mode}.svg`;
    const caption = `${m.mode}, seed ${m.seed}: ${m.makespanS.toFixed(0)} s real (${m.makespanModelMin.toFixed(0)} model min)`;
    writeFileSync(path.join(path.dirname(out), file), timelineSvg(m, caption, longest));
    return { file, caption };
  });
  writeFileSync(out, renderReport({ ...meta, runs, timelines }));
  log(`wrote ${out}`);
}

/** `--report-from FILE`: render the report again from saved figures (bench/swarm-results.json), without running. */
function reportFrom(file: string, outArg: string | undefined): number {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { meta: RunMeta; runs: RunMetrics[] };
  if (!saved.meta || !Array.isArray(saved.runs))
    throw new UsageError(`${file} is not a swarm results file (meta, runs)`);
  const runs = saved.runs.map((r) => ({ ...r, cacheDisagrees: r.cacheDisagrees ?? [] }));
  writeReport(saved.meta, runs, outArg, (l) => void process.stderr.write(`${l}\n`));
  process.stdout.write(`${effectLine(runs)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(
      `${e instanceof UsageError ? `${e.message}\n\n${USAGE}` : e instanceof Error ? e.stack : String(e)}\n`,
    );
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
