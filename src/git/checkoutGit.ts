/**
 * The git side of a session's checkout: worktrees of one repository (the embedded
 * topology) or clones of a remote. Argument building and parsing stay here; the decisions
 * (reuse, refuse a dirty checkout) are in src/loop/sessionCheckout.ts.
 */
import { S2Error } from '../core/errors';
import { runGit } from './gitProcess';

export interface WorktreeEntry {
  readonly path: string;
  /** `refs/heads/...`, or null for a detached HEAD. */
  readonly branch: string | null;
}

export function parseWorktreeList(porcelain: string): WorktreeEntry[] {
  const out: WorktreeEntry[] = [];
  for (const block of porcelain.split('\n\n')) {
    const lines = block.split('\n');
    const wt = lines.find((l) => l.startsWith('worktree '));
    if (!wt) continue;
    const br = lines.find((l) => l.startsWith('branch '));
    out.push({ path: wt.slice('worktree '.length), branch: br ? br.slice('branch '.length) : null });
  }
  return out;
}

async function git(cwd: string, args: string[], what: string): Promise<string> {
  const r = await runGit(args, { cwd, allowFailure: true, timeoutMs: 300_000 });
  if (r.code !== 0)
    throw new S2Error('GIT_FAILED', `${what} failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
  return r.stdout;
}

export async function listWorktrees(root: string): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await git(root, ['worktree', 'list', '--porcelain'], 'git worktree list'));
}

export async function refExists(cwd: string, ref: string): Promise<boolean> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', ref], { cwd, allowFailure: true });
  return r.code === 0;
}

/** A worktree on `branch` at `dir`; the branch is made from `base` when it does not exist yet. */
export async function addWorktree(root: string, dir: string, branch: string, base: string): Promise<void> {
  const args = (await refExists(root, `refs/heads/${branch}`))
    ? ['worktree', 'add', '--quiet', dir, branch]
    : ['worktree', 'add', '--quiet', '-b', branch, dir, base];
  await git(root, args, `git ${args.join(' ')}`);
}

/** Without --force: git refuses a worktree with changes, a second check after ours. */
export async function removeWorktree(root: string, dir: string): Promise<void> {
  await git(root, ['worktree', 'remove', dir], `git worktree remove ${dir}`);
}

export async function remoteUrl(cwd: string, remote: string): Promise<string> {
  return (await git(cwd, ['remote', 'get-url', remote], `git remote get-url ${remote}`)).trim();
}

/** A clone of `url` at `dir` with `branch` checked out: the remote's branch if it has one, else a new one from `base`. */
export async function cloneOnBranch(
  parent: string,
  url: string,
  dir: string,
  branch: string,
  base: string,
): Promise<void> {
  await git(parent, ['clone', '--quiet', url, dir], `git clone ${url}`);
  const args = (await refExists(dir, `refs/remotes/origin/${branch}`))
    ? ['checkout', '--quiet', '-b', branch, '--track', `origin/${branch}`]
    : ['checkout', '--quiet', '--no-track', '-b', branch, `origin/${base}`];
  await git(dir, args, `git ${args.join(' ')}`);
}

/** `git status --porcelain`: one `XY path` line per change, untracked files listed one by one. */
export async function statusLines(dir: string): Promise<{ code: string; path: string }[]> {
  const out = await git(dir, ['status', '--porcelain=v1', '--untracked-files=all', '-z'], 'git status');
  return out
    .split('\0')
    .filter(Boolean)
    .map((l) => ({ code: l.slice(0, 2), path: l.slice(3) }));
}

/** The file as committed at HEAD, or null when it is not tracked there. */
export async function headFile(dir: string, file: string): Promise<string | null> {
  const r = await runGit(['show', `HEAD:${file}`], { cwd: dir, allowFailure: true });
  return r.code === 0 ? r.stdout : null;
}

export async function restoreFile(dir: string, file: string): Promise<void> {
  await git(dir, ['checkout', '--quiet', 'HEAD', '--', file], `git checkout ${file}`);
}

/** Commits on local branches that no remote-tracking branch has: work that exists only in this clone. */
export async function unpushedCommits(dir: string): Promise<number> {
  const out = await git(dir, ['rev-list', '--count', '--branches', '--not', '--remotes'], 'git rev-list');
  return Number(out.trim()) || 0;
}

export async function stashCount(dir: string): Promise<number> {
  const out = await git(dir, ['stash', 'list'], 'git stash list');
  return out.split('\n').filter(Boolean).length;
}
