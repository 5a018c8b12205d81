/**
 * Ref tips read straight from the repository's files — loose refs, then `packed-refs` —
 * without starting git. Starting one git process costs more than the whole budget of the
 * hook's fast path (RECIPES: 7–9 ms a spawn), so the hook compares the tips its cached
 * decision was computed from this way. Anything this reader does not understand (the
 * reftable backend, a symbolic ref, an unreadable file) is reported as "cannot tell", and
 * the caller takes the full path: it must never guess a tip.
 *
 * The reads are synchronous on purpose: these are a few small files, and in a new process
 * (the hook, before every tool call) Node's promise-based file API costs ~0.3 ms a read the
 * first time it runs, against ~0.01 ms for a synchronous read (bench/PROFILE.md).
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export interface GitDirs {
  /** The worktree's own git dir (its HEAD). */
  readonly gitDir: string;
  /** The repository's common dir (refs, packed-refs, `s2/`). */
  readonly commonDir: string;
  /** The checkout's top folder (where `.git` is). */
  readonly root: string;
}

/** The git dirs of the checkout holding `dir`, found as git finds them (`.git` dir or `gitdir:` file). */
export async function locateGitDirs(dir: string): Promise<GitDirs | null> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const dotGit = path.join(d, '.git');
    const st = statOrNull(dotGit);
    if (st?.isDirectory()) return { gitDir: dotGit, commonDir: commonDirOf(dotGit), root: d };
    if (st?.isFile()) {
      const m = /^gitdir: (.+)$/m.exec(readOrNull(dotGit) ?? '');
      if (!m) return null;
      const gitDir = path.resolve(d, m[1]!.trim());
      return { gitDir, commonDir: commonDirOf(gitDir), root: d };
    }
    if (path.dirname(d) === d) return null;
  }
}

function commonDirOf(gitDir: string): string {
  const rel = readOrNull(path.join(gitDir, 'commondir'));
  return rel ? path.resolve(gitDir, rel.trim()) : gitDir;
}

/** The branch checked out in `gitDir` (`refs/heads/…` without the prefix), or null when detached or unreadable. */
export async function headBranch(gitDir: string): Promise<string | null> {
  const head = readOrNull(path.join(gitDir, 'HEAD')) ?? '';
  const m = /^ref: refs\/heads\/(.+)\n?$/.exec(head);
  return m ? m[1]!.trim() : null;
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The tip of every ref in `names` (full names, `refs/heads/…`): an object id, or null when the
 * ref does not exist. Returns null as a whole when any tip cannot be told for sure.
 */
export async function readRefTips(
  commonDir: string,
  names: readonly string[],
): Promise<Record<string, string | null> | null> {
  if (names.some((name) => !name.startsWith('refs/') || name.split('/').some((p) => p === '..' || p === '')))
    return null;
  if (statOrNull(path.join(commonDir, 'reftable'))) return null;
  const loose = names.map((name) => {
    try {
      return readFileSync(path.join(commonDir, name), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : null;
    }
  });
  const out: Record<string, string | null> = {};
  let packed: Map<string, string> | null = null;
  for (const [i, name] of names.entries()) {
    const text = loose[i];
    if (text === null) return null;
    if (text !== undefined) {
      const oid = text.trim();
      if (!OID.test(oid)) return null; // a symbolic ref, or a file being written
      out[name] = oid;
      continue;
    }
    packed ??= readPackedRefs(commonDir);
    if (!packed) return null;
    out[name] = packed.get(name) ?? null;
  }
  return out;
}

function readPackedRefs(commonDir: string): Map<string, string> | null {
  let text: string;
  try {
    text = readFileSync(path.join(commonDir, 'packed-refs'), 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? new Map() : null;
  }
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('^')) continue;
    const sp = line.indexOf(' ');
    const oid = line.slice(0, sp);
    if (sp < 0 || !OID.test(oid)) return null;
    out.set(line.slice(sp + 1), oid);
  }
  return out;
}

function statOrNull(p: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** A small file's text, or null when it cannot be read (synchronous: see above). */
export function readOrNull(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}
