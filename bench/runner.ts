import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { AlertLatencyResult, benchAlertLatency } from './alertLatency';
import { benchBundle, benchCliStatus, BundleResult, CliStatusResult } from './cliStatus';
import { benchPerSessionBranches, benchSharedBranch, ContentionResult } from './contention';
import {
  benchComputeViews,
  benchSnapshotJson,
  benchMatrix,
  benchVerify,
  MatrixBenchResult,
  VerifyBenchResult,
  ViewBenchResult,
} from './engine';
import { GeneratedSwarm, generateSwarm } from './lib/swarmGen';
import { nowMs, removeDir, tempDir } from './lib/util';
import { benchHook, HookBenchResult } from './hook';
import { benchSnapshotRead, SnapshotReadResult } from './snapshotRead';
import { benchTick, TickBenchResult } from './tick';
import { benchRemoteLoad, RemoteLoadOptions, RemoteLoadResult } from './remoteLoad';

/** Sizes and repetitions of one benchmark run: the full run (`npm run bench`) and the CI smoke. */
export interface BenchConfig {
  readonly sections: readonly Section[];
  readonly readSizes: readonly number[];
  readonly historyCommits: number;
  readonly readRuns: (n: number) => number;
  readonly cliSizes: readonly number[];
  readonly cliRuns: number;
  /** Rounds of the hook benchmark (4 hook calls and one `node -e ''` each), at cliSizes. */
  readonly hookRuns: number;
  readonly tickSizes: readonly number[];
  readonly tickColdRuns: (n: number) => number;
  readonly tickWarmRuns: number;
  readonly contentionSizes: readonly number[];
  readonly contentionRounds: number;
  readonly contentionDeadlineMs: number;
  readonly alert: {
    readonly sessions: number;
    readonly trials: number;
    readonly worktree: Record<string, number>;
    readonly remote: Record<string, number>;
  };
  readonly engineSizes: readonly number[];
  /** Interleaved rounds of the view at every size (benchComputeViews): the same samples at every N. */
  readonly engineRounds: number;
  readonly verifyMs: number;
  readonly matrixSessions: number;
  /** The load on a shared remote (`git daemon`): idle sessions, then a busy swarm. */
  readonly remote: RemoteLoadOptions;
  readonly keep: boolean;
}

export type Section = 'engine' | 'read' | 'cli' | 'tick' | 'contention' | 'alert' | 'extension' | 'remote';
export const ALL_SECTIONS: readonly Section[] = [
  'engine',
  'read',
  'cli',
  'tick',
  'contention',
  'alert',
  'extension',
  'remote',
];

export const FULL: BenchConfig = {
  sections: ALL_SECTIONS,
  readSizes: [7, 50, 200, 1000],
  historyCommits: 10_000,
  readRuns: (n) => (n >= 1000 ? 2 : n >= 200 ? 3 : 5),
  cliSizes: [7, 50],
  cliRuns: 7,
  hookRuns: 11,
  tickSizes: [7, 50, 200],
  tickColdRuns: (n) => (n >= 200 ? 2 : 3),
  tickWarmRuns: 3,
  contentionSizes: [7, 50],
  contentionRounds: 3,
  contentionDeadlineMs: 60_000,
  alert: {
    sessions: 7,
    trials: 5,
    worktree: { intervalSeconds: 30, probeSeconds: 1, jitter: 0.2 },
    remote: { intervalSeconds: 3, probeSeconds: 1, jitter: 0.2 },
  },
  // 7 to 5000 sessions: the view's fit (linear in sessions, issue #18). A round (one view of
  // each size) is ~0.3 s quiet, ~0.5 s at load 4: 41 rounds keep the medians within a few %.
  engineSizes: [7, 50, 200, 1000, 2000, 5000],
  engineRounds: 41,
  verifyMs: 700,
  matrixSessions: 50,
  // The defaults (probe 5 s, cap 60 s, interval 30 s, heartbeat 60 s); 5 sessions, a minute of
  // quiet, the next minute counted, then 12 changes 2 s apart: ~3 min.
  remote: remoteLoadOptions(1, 5, 12),
  keep: false,
};

/** Tiny sizes for the CI smoke test: every code path, a few seconds, no timing goal. */
export const SMOKE: BenchConfig = {
  sections: ALL_SECTIONS,
  readSizes: [3],
  historyCommits: 50,
  readRuns: () => 1,
  cliSizes: [3],
  cliRuns: 1,
  hookRuns: 1,
  tickSizes: [3],
  tickColdRuns: () => 1,
  tickWarmRuns: 1,
  contentionSizes: [3],
  contentionRounds: 1,
  contentionDeadlineMs: 20_000,
  alert: {
    sessions: 3,
    trials: 1,
    worktree: { intervalSeconds: 30, probeSeconds: 0.1, jitter: 0.2 },
    remote: { intervalSeconds: 0.3, probeSeconds: 0.1, jitter: 0.2 },
  },
  engineSizes: [3, 7],
  engineRounds: 3,
  verifyMs: 50,
  matrixSessions: 5,
  remote: remoteLoadOptions(0.05, 3, 4),
  keep: false,
};

/** The remote-load run at the default polling settings × `scale` (time), with `sessions` loops. */
function remoteLoadOptions(scale: number, sessions: number, busyChanges: number): RemoteLoadOptions {
  return {
    sessions,
    timeScale: scale,
    polling: {
      probeSeconds: 5 * scale,
      probeMaxSeconds: 60 * scale,
      intervalSeconds: 30 * scale,
      heartbeatSeconds: 60 * scale,
      jitter: 0.2,
    },
    quietMs: 60_000 * scale,
    measureMs: 60_000 * scale,
    changeEveryMs: Math.max(2000 * scale, 400),
    busyChanges,
    changeTimeoutMs: 90_000 * scale + 2000,
  };
}

export interface BenchResults {
  readonly startedAt: string;
  readonly machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    git: string;
    platform: string;
    loadAvgStart: number[];
    loadAvgEnd: number[];
  };
  readonly engine: {
    views: ViewBenchResult[];
    snapshotJsonMs: Record<string, number>;
    verify: VerifyBenchResult | null;
  };
  readonly read: (SnapshotReadResult & { build: { generateMs: number; importMs: number; gcMs: number } })[];
  readonly cli: CliStatusResult[];
  readonly hooks: HookBenchResult[];
  readonly ticks: TickBenchResult[];
  readonly contention: ContentionResult[];
  readonly alerts: AlertLatencyResult[];
  readonly remote: RemoteLoadResult | null;
  readonly extension: { bundle: BundleResult | null; matrix: MatrixBenchResult | null; activation: string };
  readonly sectionMs: Record<string, number>;
  totalMs: number;
}

function gitVersion(): string {
  try {
    return execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function runBench(cfg: BenchConfig, log: (line: string) => void = () => undefined): Promise<BenchResults> {
  const t0 = nowMs();
  const work = tempDir('s2-bench-');
  const res: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
      node: process.version,
      git: gitVersion(),
      platform: `${os.platform()} ${os.release()}`,
      loadAvgStart: os.loadavg(),
      loadAvgEnd: [],
    },
    engine: { views: [], snapshotJsonMs: {}, verify: null },
    read: [],
    cli: [],
    hooks: [],
    ticks: [],
    contention: [],
    alerts: [],
    remote: null,
    extension: {
      bundle: null,
      matrix: null,
      activation: 'measured by the extension end-to-end tests (test/e2e): see e2e',
    },
    sectionMs: {},
    totalMs: 0,
  };
  const on = (s: Section): boolean => cfg.sections.includes(s);
  const section = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const t = nowMs();
    log(`[${((t - t0) / 1000).toFixed(0)} s] ${name}…`);
    await fn();
    res.sectionMs[name] = nowMs() - t;
  };
  const swarms = new Map<number, GeneratedSwarm>();
  try {
    if (on('engine')) {
      await section('engine', async () => {
        res.engine.views.push(...benchComputeViews(cfg.engineSizes, cfg.engineRounds));
        for (const n of cfg.engineSizes)
          res.engine.snapshotJsonMs[String(n)] = benchSnapshotJson(n, Math.min(cfg.engineRounds, 21));
        res.engine.verify = benchVerify(cfg.verifyMs);
      });
    }
    // The generated repositories serve the read, `s2 status` and the ticks (in that order:
    // ticks add worktrees and heartbeat commits).
    const needRepo = new Set<number>([
      ...(on('read') ? cfg.readSizes : []),
      ...(on('cli') ? cfg.cliSizes : []),
      ...(on('tick') ? cfg.tickSizes : []),
    ]);
    const sizes = [...needRepo].sort((a, b) => a - b);
    for (const n of sizes) {
      await section(`snapshot read, ${n} sessions`, async () => {
        const dir = path.join(work, `swarm-${n}`);
        const gen = await generateSwarm(path.join(dir, 'repo'), path.join(dir, 'home'), {
          sessions: n,
          totalCommits: cfg.historyCommits,
        });
        swarms.set(n, gen);
        if (on('read') && cfg.readSizes.includes(n)) {
          const r = await benchSnapshotRead(gen, cfg.readRuns(n));
          res.read.push({ ...r, build: { generateMs: gen.generateMs, importMs: gen.importMs, gcMs: gen.gcMs } });
        }
        if (on('cli') && cfg.cliSizes.includes(n)) res.cli.push(await benchCliStatus(gen, cfg.cliRuns));
        if (on('cli') && cfg.cliSizes.includes(n)) res.hooks.push(await benchHook(gen, cfg.hookRuns));
        if (!(on('tick') && cfg.tickSizes.includes(n))) {
          swarms.delete(n);
          if (!cfg.keep) removeDir(dir);
        }
      });
    }
    if (on('tick')) {
      for (const n of cfg.tickSizes) {
        const gen = swarms.get(n)!;
        for (const topology of ['remote', 'worktree'] as const) {
          await section(`tick, ${n} sessions, ${topology}`, async () => {
            res.ticks.push(
              await benchTick(gen, topology, path.join(work, `swarm-${n}`), {
                coldRuns: cfg.tickColdRuns(n),
                warmRuns: cfg.tickWarmRuns,
              }),
            );
          });
        }
        if (!cfg.keep) removeDir(path.join(work, `swarm-${n}`));
      }
    }
    if (on('contention')) {
      for (const n of cfg.contentionSizes) {
        await section(`push contention, ${n} writers, per-session branches`, async () => {
          res.contention.push(
            await benchPerSessionBranches(
              n,
              cfg.contentionRounds,
              cfg.contentionDeadlineMs,
              tempIn(work, `contention-s2-${n}`),
            ),
          );
        });
        await section(`push contention, ${n} writers, one shared branch`, async () => {
          res.contention.push(
            await benchSharedBranch(
              n,
              cfg.contentionRounds,
              cfg.contentionDeadlineMs,
              tempIn(work, `contention-shared-${n}`),
            ),
          );
        });
        if (!cfg.keep) {
          removeDir(path.join(work, `contention-s2-${n}`));
          removeDir(path.join(work, `contention-shared-${n}`));
        }
      }
    }
    if (on('alert')) {
      for (const topology of ['worktree', 'remote'] as const) {
        await section(`alert latency, ${topology}`, async () => {
          res.alerts.push(
            await benchAlertLatency(topology, tempIn(work, `alert-${topology}`), {
              sessions: cfg.alert.sessions,
              trials: cfg.alert.trials,
              polling: cfg.alert[topology],
            }),
          );
        });
      }
    }
    if (on('remote')) {
      await section('load on a shared remote (git daemon)', async () => {
        (res as { remote: RemoteLoadResult | null }).remote = await benchRemoteLoad(
          tempIn(work, 'remote-load'),
          cfg.remote,
        );
      });
    }
    if (on('extension')) {
      await section('extension', async () => {
        res.extension.bundle = benchBundle();
        res.extension.matrix = benchMatrix(cfg.matrixSessions, 101);
      });
    }
  } finally {
    if (!cfg.keep) removeDir(work);
    else log(`kept ${work}`);
  }
  res.machine.loadAvgEnd = os.loadavg();
  res.totalMs = nowMs() - t0;
  return res;
}

function tempIn(work: string, name: string): string {
  const d = path.join(work, name);
  require('node:fs').mkdirSync(d, { recursive: true });
  return d;
}
