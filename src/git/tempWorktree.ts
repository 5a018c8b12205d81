/**
 * Temporary worktrees outside the agent's checkout, for `s2 verify` and `s2 integrate`:
 * removed on every way out. The host's AbortSignal is one of them — the CLI's entry aborts on
 * SIGINT/SIGTERM (after stopping the commands running in it), and the worktree is removed
 * before the process exits; this module installs no process-wide handler, so it behaves the
 * same inside the extension host. One left by a process killed hard is removed by the next run.
 */
import { promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { runGitSync } from './gitProcess';
import { processAlive } from './processAlive';
import { runTask } from './runTask';
import { worktreeAdd, worktreeList, worktreePrune, worktreeRemove } from './tasks/worktreeTasks';

const CLEANUP_TIMEOUT_MS = 30_000;

export async function withTempWorktree<T>(
  root: string,
  prefix: string,
  commit: string,
  fn: (dir: string) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (signal?.aborted)
    throw new S2Error('ABORTED', `stopped before the temporary worktree for ${commit.slice(0, 12)} was made`);
  const dir = path.join(os.tmpdir(), `${prefix}${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  let removed = false;
  // Synchronous on purpose: an abort listener may be the last thing that runs before exit.
  const cleanup = (): void => {
    if (removed) return;
    removed = true;
    runGitSync(['worktree', 'remove', '--force', dir], { cwd: root, timeoutMs: CLEANUP_TIMEOUT_MS });
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* removed by the next run's removeStaleWorktrees */
    }
  };
  signal?.addEventListener('abort', cleanup, { once: true });
  try {
    await runTask(worktreeAdd(dir, commit), root);
    return await fn(dir);
  } finally {
    signal?.removeEventListener('abort', cleanup);
    cleanup();
  }
}

/** Worktrees left by a verify or integrate that was killed hard (its process is gone): remove them. */
export async function removeStaleWorktrees(root: string): Promise<string[]> {
  const list = await runTask(worktreeList(), root).catch(() => []);
  const removed: string[] = [];
  for (const w of list) {
    const m = /\/s2-(?:verify|integrate)-(\d+)-[a-z0-9]+$/.exec(w.path);
    if (!m) continue;
    if (processAlive(Number(m[1]))) continue;
    await runTask(worktreeRemove(w.path), root).catch(() => undefined);
    await fs.rm(w.path, { recursive: true, force: true });
    removed.push(w.path);
  }
  await runTask(worktreePrune(), root).catch(() => undefined);
  return removed;
}
