import { mkdirSync, writeFileSync } from 'node:fs';
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
  const wallSeconds = (Date.now() - t0) / 1000;
  process.stdout.write(`\n${effectLine(runs)}\n`);
  if (!argv.includes('--no-report')) {
    const out = path.resolve(arg(argv, '--out') ?? path.join(repoRoot(), 'docs', 'SWARM-RUN.md'));
    mkdirSync(path.dirname(out), { recursive: true });
    const timelines: { file: string; caption: string }[] = [];
    const longest = Math.max(...runs.filter((r) => r.seed === seeds[0]).map((r) => r.makespanS * 1000));
    for (const mode of modes) {
      const m = runs.find((r) => r.mode === mode && r.seed === seeds[0]);
      if (!m) continue;
      const file = `swarm-timeline-${mode}.svg`;
      const caption = `${mode}, seed ${m.seed}: ${m.makespanS.toFixed(0)} s real (${m.makespanModelMin.toFixed(0)} model min)`;
      writeFileSync(path.join(path.dirname(out), file), timelineSvg(m, caption, longest));
      timelines.push({ file, caption });
    }
    const report = renderReport({
      runs,
      settings: base,
      command: `npm run swarm -- ${argv.join(' ')}`.trim(),
      startedAt,
      wallSeconds,
      machine: { cpus: os.cpus().length, loadStart, loadEnd: os.loadavg()[0]! },
      timelines,
    });
    writeFileSync(out, report);
    writeFileSync(path.join(repoRoot(), 'bench', 'swarm-results.json'), JSON.stringify(runs, null, 1));
    log(`wrote ${out}`);
  }
  const bad = runs.filter((m) => !m.finished || m.instructions.twice > 0 || m.recordsLost > 0);
  for (const m of bad)
    log(
      `FAILED ${m.mode} seed ${m.seed}: unfinished ${m.incomplete.length}, run twice ${m.instructions.twice}, lost ${m.recordsLost} ${m.lostDetail.join('; ')}`,
    );
  return bad.length ? 1 : 0;
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(
      `${e instanceof UsageError ? `${e.message}\n\n${USAGE}` : e instanceof Error ? e.stack : String(e)}\n`,
    );
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
