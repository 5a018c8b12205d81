/**
 * Where a command runs, read from the repository's files instead of asking git. Every command
 * begins there (`git rev-parse` for the paths and branch, `git remote` for the topology): two
 * process starts, ~4 ms of the main thread each on this machine, before the first read — a
 * good part of what `s2 status` costs beyond Node's own start (bench/PROFILE.md).
 *
 * It must never see the repository otherwise than git would: null — and the caller asks git —
 * whenever git's answer could differ: an environment variable that moves the repository or
 * its config, a config file with includes, `core.worktree` or `core.bare`, a remote defined
 * outside the repository's own config, the reftable backend, a HEAD that is not a plain
 * branch or object id, a checkout another user owns (safe.directory), or anything unreadable.
 */
import { realpathSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateGitDirs, readOrNull } from './refTips';

export interface RepoFiles {
  readonly root: string;
  readonly commonDir: string;
  /** The branch checked out (without `refs/heads/`), or null for a detached HEAD. */
  readonly currentBranch: string | null;
  /** The remotes of the repository's config, in the order git lists them (sorted). */
  readonly remotes: readonly string[];
}

/** Environment that changes where git finds the repository or what config it reads. */
const GIT_LOCATION_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_CONFIG',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_PARAMETERS',
];

/** Config that makes the answer git's to give: includes, another work tree, a bare repository. */
const UNSAFE_CONFIG = /^\s*\[\s*include(If)?\b|^\s*worktree\s*=|^\s*bare\s*(=\s*(true|yes|on|1)\s*)?$/im;

export async function repoFromFiles(dir: string, env: NodeJS.ProcessEnv): Promise<RepoFiles | null> {
  if (GIT_LOCATION_ENV.some((k) => env[k] !== undefined)) return null;
  const dirs = await locateGitDirs(dir);
  if (!dirs || statSync(path.join(dirs.commonDir, 'reftable'), { throwIfNoEntry: false })) return null;
  // Inside the git dir itself git has no work tree to show.
  const here = path.resolve(dir);
  if (here === dirs.gitDir || here.startsWith(dirs.gitDir + path.sep)) return null;
  // A repository of another user is git's to refuse or allow (safe.directory).
  const owner = statSync(dirs.root, { throwIfNoEntry: false })?.uid;
  if (owner === undefined || (process.getuid && owner !== process.getuid())) return null;
  const config = readOrNull(path.join(dirs.commonDir, 'config'));
  if (config === null || UNSAFE_CONFIG.test(config) || /extensions\s*\]|worktreeConfig/i.test(config)) return null;
  // `git remote` lists remotes of every config git reads; outside the repository's own, ask git.
  const home = env['HOME'] ?? os.homedir();
  const xdg = env['XDG_CONFIG_HOME'] || path.join(home, '.config');
  for (const f of ['/etc/gitconfig', path.join(home, '.gitconfig'), path.join(xdg, 'git', 'config')]) {
    const text = readOrNull(f) ?? '';
    if (/^\s*\[\s*(remote|include)/im.test(text)) return null;
  }
  const head = (readOrNull(path.join(dirs.gitDir, 'HEAD')) ?? '').trim();
  const branch = /^ref: refs\/heads\/(\S+)$/.exec(head);
  if (!branch && !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(head)) return null;
  // git prints the top level with symbolic links resolved.
  const top = realOrNull(dirs.root);
  if (!top) return null;
  if (/^\s*\[\s*remote\s*\./im.test(config)) return null; // the old `[remote.name]` spelling
  const remotes = [...config.matchAll(/^\s*\[\s*remote\s+"([^"\n]+)"\s*\]/gim)].map((m) => m[1]!);
  return {
    root: top,
    commonDir: realOrNull(dirs.commonDir) ?? dirs.commonDir,
    currentBranch: branch ? branch[1]! : null,
    remotes: [...new Set(remotes)].sort(),
  };
}

// Synchronous, like the reads (refTips.ts): a few calls at every command's start.
function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}
