import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { runGit } from './gitProcess';
import { repoFromFiles } from './repoFromFiles';
import { runTask } from './runTask';
import { remoteNames } from './tasks/remoteTasks';

/**
 * Where a session's repository is and how it reaches the others. Two topologies:
 * `worktree` (sessions are worktrees of one repository and share its refs: no fetch, no
 * push) and `remote` (sessions are clones of a remote: fetch others' refs, push one's own).
 */
export interface RepoContext {
  readonly root: string;
  readonly commonDir: string;
  readonly objectsDir: string;
  /** `refs/heads/<name>` checked out here, or null for a detached HEAD. */
  readonly currentBranch: string | null;
  readonly remote: string | null;
}

/**
 * `remote`: null forces the worktree topology, a name forces that remote; undefined picks
 * `origin`, else the first remote, else none. The host decides (S2_REMOTE is read there).
 */
export async function openRepo(dir: string, remoteOverride?: string | null): Promise<RepoContext> {
  // git processes inherit this environment, so the files are read under the same one.
  const files = await repoFromFiles(dir, process.env).catch(() => null);
  if (files) {
    const remote =
      remoteOverride !== undefined
        ? remoteOverride
        : files.remotes.includes('origin')
          ? 'origin'
          : (files.remotes[0] ?? null);
    return {
      root: files.root,
      commonDir: files.commonDir,
      objectsDir: path.join(files.commonDir, 'objects'),
      currentBranch: files.currentBranch,
      remote,
    };
  }
  return openRepoByGit(dir, remoteOverride);
}

/** The same context as git reports it (openRepo's answer when the files leave any doubt). */
export async function openRepoByGit(dir: string, remoteOverride?: string | null): Promise<RepoContext> {
  // The remote's name is asked for at the same time as the repository's paths (from `dir`,
  // inside the same repository): the two git starts overlap instead of queueing on every command.
  const names = remoteOverride === undefined ? runTask(remoteNames(), dir).catch((e: unknown) => e as Error) : null;
  const r = await runGit(['rev-parse', '--show-toplevel', '--git-common-dir', '--symbolic-full-name', 'HEAD'], {
    cwd: dir,
    allowFailure: true,
  });
  if (r.code !== 0)
    throw new S2Error(
      'NOT_A_REPO',
      `${dir} is not inside a git repository (${r.stderr.trim()}); run s2 from a session's checkout or pass --repo DIR`,
    );
  const [root, common, head] = r.stdout.split('\n');
  // git prints the common dir relative to where it ran (`../../.git` from a sub-folder), not to the
  // top; with links resolved, like the top it prints, whichever path led here.
  const given = path.resolve(dir, common!);
  const commonDir = await fs.realpath(given).catch(() => given);
  let remote: string | null;
  if (remoteOverride !== undefined) remote = remoteOverride;
  else {
    const got = await names!;
    if (got instanceof Error) throw got;
    remote = got.includes('origin') ? 'origin' : (got[0] ?? null);
  }
  return {
    root: root!,
    commonDir,
    objectsDir: path.join(commonDir, 'objects'),
    currentBranch: head && head.startsWith('refs/heads/') ? head.slice('refs/heads/'.length) : null,
    remote,
  };
}

/** The ref that holds another session's published state in this topology. */
export function publishedRef(ctx: RepoContext, branch: string): string {
  return ctx.remote ? `refs/remotes/${ctx.remote}/${branch}` : `refs/heads/${branch}`;
}
