/** Temporary worktrees (verify, integrate) and the checkouts of sessions: argv and readers. */
import { parseWorktreeList, WorktreeEntry } from '../parsers/worktreeList';
import { GitTask, voidTask } from './gitTask';

export const WORKTREE_TIMEOUT_MS = 120_000;

export function worktreeAdd(dir: string, commit: string): GitTask<void> {
  return voidTask(['worktree', 'add', '--detach', '--quiet', dir, commit], { timeoutMs: WORKTREE_TIMEOUT_MS });
}

export function worktreeRemove(dir: string): GitTask<void> {
  return voidTask(['worktree', 'remove', '--force', dir], { timeoutMs: WORKTREE_TIMEOUT_MS });
}

export function worktreePrune(): GitTask<void> {
  return voidTask(['worktree', 'prune'], { timeoutMs: WORKTREE_TIMEOUT_MS });
}

export function worktreeList(): GitTask<WorktreeEntry[]> {
  return { args: ['worktree', 'list', '--porcelain'], parse: (r) => parseWorktreeList(r.stdout) };
}

/** Put a worktree on `commit`, detached, with nothing left of what ran there before. */
export function checkoutDetached(commit: string): GitTask<void> {
  return voidTask(['checkout', '--detach', '--force', '--quiet', commit]);
}

export function cleanAll(): GitTask<void> {
  return voidTask(['clean', '-fdxq']);
}
