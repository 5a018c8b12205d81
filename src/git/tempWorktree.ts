/**
 * Temporary worktrees outside the agent's checkout, for `s2 verify` and `s2 integrate`:
 * removed on every way out, SIGINT and SIGTERM included (the commands running in them are
 * stopped first); one left by a process killed hard is removed by the next run.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runGit } from './gitProcess';
import { processAlive } from './processAlive';

export async function withTempWorktree<T>(
  root: string,
  prefix: string,
  commit: string,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = path.join(os.tmpdir(), `${prefix}${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const cleanup = (): void => {
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: root });
    spawnSync('rm', ['-rf', dir]);
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    killChildGroups();
    cleanup();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runGit(['worktree', 'add', '--detach', '--quiet', dir, commit], { cwd: root });
    return await fn(dir);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    cleanup();
  }
}

/**
 * On SIGINT/SIGTERM: stop the commands this process started. runCommand runs each in its own
 * process group (so a timeout can kill the whole group), which also means a signal to us does
 * not reach it; without this a killed verify leaves its validation command running.
 */
export function killChildGroups(): void {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  for (const line of (ps.stdout ?? '').split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid !== process.pid) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

/** Worktrees left by a verify or integrate that was killed hard (its process is gone): remove them. */
export async function removeStaleWorktrees(root: string): Promise<string[]> {
  const list = await runGit(['worktree', 'list', '--porcelain'], { cwd: root, allowFailure: true });
  const removed: string[] = [];
  for (const line of list.stdout.split('\n')) {
    const m = /^worktree (.*\/s2-(?:verify|integrate)-(\d+)-[a-z0-9]+)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[2]);
    if (processAlive(pid)) continue;
    await runGit(['worktree', 'remove', '--force', m[1]!], { cwd: root, allowFailure: true });
    await fs.rm(m[1]!, { recursive: true, force: true });
    removed.push(m[1]!);
  }
  await runGit(['worktree', 'prune'], { cwd: root, allowFailure: true });
  return removed;
}
