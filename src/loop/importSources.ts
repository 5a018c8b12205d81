/**
 * Where `s2 import v1` reads the v1 files from: directories (recursively; every file, since
 * the person pointed at v1 material), git refs of the repository (`git ls-tree -r` and one
 * `git cat-file --batch`, paths relative to the ref's tree, in a folder named after the ref),
 * or by default the repository's own checkout. A code tree (a ref or the checkout) holds
 * much more than v1 files, so only files with a v1 coordination name are read from it; the
 * others are counted, not reported one by one.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { CatFileBatch } from '../git/catFile';
import { parseCommit } from '../git/gitObjects';
import { parseBranchName, sessionOfTopic, type V1Branch } from '../importer/v1Branches';
import { classifyFile } from '../importer/v1Files';
import type { V1InputFile } from '../importer/v1Types';
import { runTask } from '../git/runTask';
import { commitOf, fullRefName } from '../git/tasks/refTasks';
import { remoteNames } from '../git/tasks/remoteTasks';
import { filesOfCommit } from '../git/tasks/treeTasks';

export interface V1Source {
  readonly kind: 'directory' | 'ref' | 'checkout';
  readonly name: string;
  readonly files: number;
  /** Files of the tree that do not have a v1 coordination name (refs and the checkout only). */
  readonly skipped: number;
}

export interface V1Material {
  readonly files: V1InputFile[];
  readonly branches: V1Branch[];
  readonly sources: V1Source[];
}

const IGNORED_DIRS = new Set(['.git', 'node_modules', '.s2']);

/** A ref name becomes a folder name: `/` is not allowed in a folder, `~` is not allowed in a ref. */
export function refFolder(shortName: string): string {
  return shortName.replace(/\//g, '~');
}

/** `refs/remotes/origin/claude/x`, `origin/claude/x`, `refs/heads/claude/x` → `claude/x`. */
export function branchOfRef(fullName: string, remotes: readonly string[]): string {
  let n = fullName
    .replace(/^refs\/heads\//, '')
    .replace(/^refs\/remotes\//, '')
    .replace(/^remotes\//, '');
  for (const r of remotes) if (n.startsWith(`${r}/`)) n = n.slice(r.length + 1);
  return n;
}

function hasV1Name(rel: string): boolean {
  return classifyFile({ path: rel, text: '' }, new Set()).kind !== 'unknown';
}

function isText(buf: Buffer): boolean {
  return !buf.subarray(0, 8000).includes(0);
}

async function readDirectory(root: string, filter: boolean): Promise<{ files: V1InputFile[]; skipped: number }> {
  const files: V1InputFile[] = [];
  let skipped = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name)) await walk(p);
        continue;
      }
      if (!e.isFile()) continue;
      const rel = path.relative(root, p).split(path.sep).join('/');
      if (filter && !hasV1Name(rel)) {
        skipped++;
        continue;
      }
      const buf = await fs.readFile(p);
      if (isText(buf)) files.push({ path: rel, text: buf.toString('utf8') });
      else skipped++;
    }
  };
  await walk(root);
  return { files, skipped };
}

async function readRef(
  repo: string,
  ref: string,
  remotes: readonly string[],
): Promise<{ files: V1InputFile[]; skipped: number; branch: V1Branch }> {
  const full = await runTask(fullRefName(ref), repo);
  const branchName = branchOfRef(full, remotes);
  const folder = refFolder(branchName);
  const blobs = (await runTask(filesOfCommit(ref), repo)).filter((e) => e.type === 'blob');
  const cat = new CatFileBatch(repo);
  try {
    const commit = await cat.read(`${ref}^{commit}`);
    const info = commit ? parseCommit(commit.data) : null;
    const wanted = blobs.filter((b) => hasV1Name(b.path));
    const objects = await Promise.all(wanted.map((b) => cat.read(b.oid)));
    const files: V1InputFile[] = [];
    let skipped = blobs.length - wanted.length;
    wanted.forEach((b, i) => {
      const o = objects[i];
      if (o && isText(o.data)) files.push({ path: `${folder}/${b.path}`, text: o.data.toString('utf8') });
      else skipped++;
    });
    const session = sessionOfTopic(parseBranchName(branchName).topic);
    const date = info?.committerTime ? new Date(info.committerTime * 1000).toISOString() : undefined;
    const branch: V1Branch = {
      folder,
      branch: branchName,
      ...(commit ? { commit: commit.oid } : {}),
      ...(date ? { date } : {}),
      ...(session ? { session } : {}),
    };
    return { files, skipped, branch };
  } finally {
    cat.dispose();
  }
}

/**
 * Read every `--from` (a directory relative to `cwd`, else a git ref of `repo`). With more
 * than one directory each gets its own top folder (its base name), as refs always do.
 */
export async function readV1Material(repo: string, cwd: string, from: readonly string[]): Promise<V1Material> {
  const files: V1InputFile[] = [];
  const branches: V1Branch[] = [];
  const sources: V1Source[] = [];
  if (from.length === 0) {
    const r = await readDirectory(repo, true);
    files.push(...r.files);
    sources.push({ kind: 'checkout', name: repo, files: r.files.length, skipped: r.skipped });
    return { files, branches, sources };
  }
  const remotes = await runTask(remoteNames(), repo);
  const dirCount = (await Promise.all(from.map((f) => isDirectory(path.resolve(cwd, f))))).filter(Boolean).length;
  const usedFolders = new Set<string>();
  for (const f of from) {
    const dir = path.resolve(cwd, f);
    if (await isDirectory(dir)) {
      const r = await readDirectory(dir, false);
      let prefix = '';
      if (dirCount > 1) {
        prefix = path.basename(dir);
        for (let i = 2; usedFolders.has(prefix); i++) prefix = `${path.basename(dir)}-${i}`;
        usedFolders.add(prefix);
      }
      files.push(...r.files.map((x) => (prefix ? { path: `${prefix}/${x.path}`, text: x.text } : x)));
      sources.push({ kind: 'directory', name: f, files: r.files.length, skipped: r.skipped });
      continue;
    }
    if ((await runTask(commitOf(f), repo)) === null)
      throw new S2Error('USAGE', `--from ${f}: neither a directory (looked in ${dir}) nor a git ref of ${repo}`);
    const r = await readRef(repo, f, remotes);
    if (usedFolders.has(r.branch.folder))
      throw new S2Error('USAGE', `--from ${f}: the branch ${r.branch.branch} is given twice`);
    usedFolders.add(r.branch.folder);
    files.push(...r.files);
    branches.push(r.branch);
    sources.push({ kind: 'ref', name: f, files: r.files.length, skipped: r.skipped });
  }
  return { files, branches, sources };
}

async function isDirectory(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
