/**
 * Ref tips read straight from the repository's files — loose refs, then `packed-refs` —
 * without starting git. Starting one git process costs more than the whole budget of the
 * hook's fast path (RECIPES: 7–9 ms a spawn), so the hook compares the tips its cached
 * decision was computed from this way. Anything this reader does not understand (the
 * reftable backend, a symbolic ref, an unreadable file) is reported as "cannot tell", and
 * the caller takes the full path: it must never guess a tip.
 */
import { promises as fs } from 'node:fs';
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
    const st = await fs.stat(dotGit).catch(() => null);
    if (st?.isDirectory()) return { gitDir: dotGit, commonDir: await commonDirOf(dotGit), root: d };
    if (st?.isFile()) {
      const m = /^gitdir: (.+)$/m.exec(await fs.readFile(dotGit, 'utf8').catch(() => ''));
      if (!m) return null;
      const gitDir = path.resolve(d, m[1]!.trim());
      return { gitDir, commonDir: await commonDirOf(gitDir), root: d };
    }
    if (path.dirname(d) === d) return null;
  }
}

async function commonDirOf(gitDir: string): Promise<string> {
  const rel = await fs.readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => null);
  return rel ? path.resolve(gitDir, rel.trim()) : gitDir;
}

/** The branch checked out in `gitDir` (`refs/heads/…` without the prefix), or null when detached or unreadable. */
export async function headBranch(gitDir: string): Promise<string | null> {
  const head = await fs.readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => '');
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
  if (await fs.stat(path.join(commonDir, 'reftable')).catch(() => null)) return null;
  // All loose refs at once: one after another, a 50-session swarm's hundred refs waited a
  // thread-pool round trip each, on every hook call.
  const loose = await Promise.all(
    names.map((name) =>
      fs
        .readFile(path.join(commonDir, name), 'utf8')
        .catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? undefined : null)),
    ),
  );
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
    packed ??= await readPackedRefs(commonDir);
    if (!packed) return null;
    out[name] = packed.get(name) ?? null;
  }
  return out;
}

async function readPackedRefs(commonDir: string): Promise<Map<string, string> | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(commonDir, 'packed-refs'), 'utf8');
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
