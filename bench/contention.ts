import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as gitProcess from '../src/git/gitProcess';
import { SwarmSession } from '../src/loop/swarmSession';
import { generateSwarm } from './lib/swarmGen';
import { bareRemote, checkoutFor, pool } from './lib/topology';
import { distribution, Distribution, git, nowMs } from './lib/util';

/**
 * N sessions update their status at the same moment, `rounds` times each, bounded in time.
 * S²: each session writes its own branch through the real RecordWriter (objects in-process,
 * update-ref compare-and-swap, push of that one ref) from its own clone, all concurrently.
 * Baseline: each clone edits its own row of one shared STATUS.md on one shared branch,
 * commits and pushes; on rejection it fetches, rebases and retries; a rebase conflict is
 * resolved "keep mine", as the v1 agents did. Acknowledged = a push that succeeded;
 * landed = what the remote holds at the end; a lost update = an acknowledged update the
 * remote no longer shows (or, for the baseline, an acknowledged row overwritten later by
 * an older value: a regression).
 */
export interface ContentionResult {
  readonly scheme: 'per-session branches' | 'one shared branch';
  readonly writers: number;
  readonly rounds: number;
  readonly wallMs: number;
  readonly deadlineMs: number;
  readonly hitDeadline: boolean;
  readonly attemptedPushes: number;
  readonly rejectedPushes: number;
  readonly acknowledged: number;
  readonly landed: number;
  readonly lostUpdates: number;
  /** Baseline only: rebase conflicts resolved "keep mine", and rows regressed by them over the history. */
  readonly conflicts: number;
  readonly regressions: number;
  /** Writers that did not get all their updates acknowledged before the deadline; and those that got none. */
  readonly starved: number;
  readonly landedNothing: number;
  readonly landedPerSecond: number;
  readonly updateLatencyMs: Distribution;
}

type RunGit = typeof gitProcess.runGit;

/** Count the pushes S² makes, and the rejected ones, by wrapping the one door to git. */
function instrumentPushes(): { stats: { pushes: number; rejected: number }; restore: () => void } {
  const mod = gitProcess as unknown as { runGit: RunGit };
  const orig = mod.runGit;
  const stats = { pushes: 0, rejected: 0 };
  mod.runGit = async (args, opts) => {
    const r = await orig(args, opts);
    if (args[0] === 'push') {
      stats.pushes++;
      if (r.code !== 0) stats.rejected++;
    }
    return r;
  };
  return { stats, restore: () => (mod.runGit = orig) };
}

export async function benchPerSessionBranches(
  n: number,
  rounds: number,
  deadlineMs: number,
  work: string,
): Promise<ContentionResult> {
  const gen = await generateSwarm(path.join(work, 'seed'), path.join(work, 'home'), {
    sessions: n,
    totalCommits: n * 3,
    staleEvery: 0,
  });
  const bare = await bareRemote(gen, path.join(work, 'remote.git'));
  const dirs = await pool(gen.ids, 4, (id) => checkoutFor(gen, 'remote', id, path.join(work, `clone-${id}`), bare));
  const sessions = await Promise.all(
    gen.ids.map((id, i) =>
      SwarmSession.open({ repo: dirs[i]!, session: id, env: { ...process.env, S2_HOME: gen.home } }),
    ),
  );
  const stores = await Promise.all(sessions.map((s) => s.store(gen.plan)));
  const acked = new Array<number>(n).fill(0);
  const latencies: number[] = [];
  const { stats, restore } = instrumentPushes();
  const t0 = nowMs();
  const deadline = t0 + deadlineMs;
  let hitDeadline = false;
  try {
    await Promise.all(
      stores.map(async (store, i) => {
        for (let r = 1; r <= rounds; r++) {
          if (nowMs() > deadline) {
            hitDeadline = true;
            return;
          }
          const t = nowMs();
          const at = new Date().toISOString();
          const w = await store.commit({
            status: (st) => ({ ...st, heartbeatAt: at, agents: { running: [`agent-${r}`] } }),
            message: `status update ${r}`,
          });
          latencies.push(nowMs() - t);
          if (w?.pushed) acked[i]!++;
        }
      }),
    );
  } finally {
    restore();
  }
  const wallMs = nowMs() - t0;
  sessions.forEach((s) => s.dispose());
  // What landed: the status seq on the remote, against the seq before the run.
  const out = await git(bare, ['cat-file', '--batch'], {
    input: gen.ids.map((id) => `refs/heads/s2/sessions/${id}:.s2/sessions/${id}/status.yaml`).join('\n') + '\n',
  });
  // Records in format 2 (JSON, `"seq": 12,`) or format 1 (YAML, `seq: 12`).
  const seqs = [...out.stdout.matchAll(/^\s*"?seq"?: (\d+),?$/gm)].map((m) => Number(m[1]));
  const landed = gen.ids.map((id, i) => (seqs[i] ?? 0) - gen.statusSeq[id]!);
  const lost = acked.reduce((a, x, i) => a + Math.max(0, x - landed[i]!), 0);
  const total = landed.reduce((a, b) => a + b, 0);
  return {
    scheme: 'per-session branches',
    writers: n,
    rounds,
    wallMs,
    deadlineMs,
    hitDeadline,
    attemptedPushes: stats.pushes,
    rejectedPushes: stats.rejected,
    acknowledged: acked.reduce((a, b) => a + b, 0),
    landed: total,
    lostUpdates: lost,
    conflicts: 0,
    regressions: 0,
    starved: acked.filter((x) => x < rounds).length,
    landedNothing: landed.filter((x) => x === 0).length,
    landedPerSecond: total / (wallMs / 1000),
    updateLatencyMs: distribution(latencies),
  };
}

const row = (id: string, round: number, note: string): string => `| ${id} | ${round} | ${note} |`;

function parseRows(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const r = /^\| (\S+) \| (\d+) \|/.exec(line);
    if (r) m.set(r[1]!, Number(r[2]));
  }
  return m;
}

export async function benchSharedBranch(
  n: number,
  rounds: number,
  deadlineMs: number,
  work: string,
): Promise<ContentionResult> {
  const ids = Array.from({ length: n }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
  const seed = path.join(work, 'shared-seed');
  await fs.mkdir(seed, { recursive: true });
  await git(seed, ['init', '-q', '-b', 'main']);
  await fs.writeFile(
    path.join(seed, 'STATUS.md'),
    `# Swarm status\n\n| session | round | note |\n|---|---|---|\n${ids.map((id) => row(id, 0, 'idle')).join('\n')}\n`,
  );
  await git(seed, ['add', '.']);
  await git(seed, ['commit', '-q', '-m', 'status board']);
  const bare = path.join(work, 'shared.git');
  await git(work, ['clone', '-q', '--bare', seed, bare]);
  await git(bare, ['config', 'receive.autogc', 'false']);
  await git(bare, ['config', 'gc.auto', '0']);
  const dirs = await pool(ids, 4, async (id) => {
    const d = path.join(work, `shared-${id}`);
    await git(work, ['clone', '-q', bare, d]);
    await git(d, ['config', 'core.editor', 'true']);
    await git(d, ['config', 'gc.auto', '0']);
    return d;
  });
  const acked = new Array<number>(n).fill(0);
  const lastAcked = new Array<number>(n).fill(0);
  const latencies: number[] = [];
  let pushes = 0;
  let rejected = 0;
  let conflicts = 0;
  let hitDeadline = false;
  const t0 = nowMs();
  const deadline = t0 + deadlineMs;
  await Promise.all(
    ids.map(async (id, i) => {
      const d = dirs[i]!;
      const file = path.join(d, 'STATUS.md');
      for (let r = 1; r <= rounds; r++) {
        if (nowMs() > deadline) {
          hitDeadline = true;
          return;
        }
        const t = nowMs();
        const text = await fs.readFile(file, 'utf8');
        await fs.writeFile(
          file,
          text.replace(new RegExp(`^\\| ${id} \\|.*$`, 'm'), row(id, r, new Date().toISOString())),
        );
        await git(d, ['commit', '-q', '-am', `${id}: round ${r}`]);
        for (;;) {
          pushes++;
          const p = await git(d, ['push', '-q', 'origin', 'HEAD:main'], { check: false });
          if (p.code === 0) {
            acked[i]!++;
            lastAcked[i] = r;
            latencies.push(nowMs() - t);
            break;
          }
          rejected++;
          if (nowMs() > deadline) {
            hitDeadline = true;
            return;
          }
          await git(d, ['fetch', '-q', 'origin'], { check: false });
          const rb = await git(d, ['rebase', '-q', 'origin/main'], { check: false });
          if (rb.code !== 0) {
            // Conflict on the shared file: keep mine (during a rebase, "theirs" is the commit being replayed).
            conflicts++;
            await git(d, ['checkout', '--theirs', '--', 'STATUS.md'], { check: false });
            await git(d, ['add', 'STATUS.md'], { check: false });
            const c = await git(d, ['rebase', '--continue'], { check: false, env: { GIT_EDITOR: 'true' } });
            if (c.code !== 0) await git(d, ['rebase', '--abort'], { check: false });
          }
        }
      }
    }),
  );
  const wallMs = nowMs() - t0;
  // Landed: the final rows; regressions: a row that goes back to an older round between two commits of the shared branch.
  const log = await git(bare, ['rev-list', '--reverse', '--first-parent', 'main']);
  const commits = log.stdout.split('\n').filter(Boolean);
  const cat = await git(bare, ['cat-file', '--batch'], {
    input: commits.map((c) => `${c}:STATUS.md`).join('\n') + '\n',
  });
  const versions = cat.stdout
    .split(/^[0-9a-f]{40} blob \d+$/m)
    .slice(1)
    .map(parseRows);
  let regressions = 0;
  for (let k = 1; k < versions.length; k++)
    for (const id of ids) if ((versions[k]!.get(id) ?? 0) < (versions[k - 1]!.get(id) ?? 0)) regressions++;
  const final = versions[versions.length - 1] ?? new Map<string, number>();
  const lost = ids.reduce((a, id, i) => a + Math.max(0, lastAcked[i]! - (final.get(id) ?? 0)), 0);
  const landedRows = ids.map((id) => final.get(id) ?? 0);
  const total = acked.reduce((a, b) => a + b, 0);
  return {
    scheme: 'one shared branch',
    writers: n,
    rounds,
    wallMs,
    deadlineMs,
    hitDeadline,
    attemptedPushes: pushes,
    rejectedPushes: rejected,
    acknowledged: total,
    landed: landedRows.reduce((a, b) => a + b, 0),
    lostUpdates: lost,
    conflicts,
    regressions,
    starved: acked.filter((x) => x < rounds).length,
    landedNothing: acked.filter((x) => x === 0).length,
    landedPerSecond: total / (wallMs / 1000),
    updateLatencyMs: distribution(latencies),
  };
}
