/**
 * Reading and writing git objects without a process: trees are parsed from `cat-file`
 * output and loose objects are written straight into the object store (zlib of
 * "type size\0body", named by its SHA-1), as git itself does. A write of a record then costs
 * one `update-ref` — the compare-and-swap that makes concurrent writers safe.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { writeFileAtomic } from './atomicWrite';

export interface TreeEntry {
  readonly mode: string;
  readonly name: string;
  readonly oid: string;
}

export function parseTree(data: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(32, i);
    const nul = data.indexOf(0, sp);
    out.push({
      mode: data.subarray(i, sp).toString('utf8'),
      name: data.subarray(sp + 1, nul).toString('utf8'),
      oid: data.subarray(nul + 1, nul + 21).toString('hex'),
    });
    i = nul + 21;
  }
  return out;
}

/** git sorts tree entries by name, comparing a directory's name as if it ended in '/'. */
export function serializeTree(entries: readonly TreeEntry[]): Buffer {
  const key = (e: TreeEntry): string => (e.mode === '40000' ? `${e.name}/` : e.name);
  const sorted = [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return Buffer.concat(
    sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.oid, 'hex')])),
  );
}

export function parseCommit(data: Buffer): { tree: string; parents: string[]; message: string; committerTime: number } {
  const text = data.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = text.slice(0, end < 0 ? text.length : end);
  let tree = '';
  const parents: string[] = [];
  let committerTime = 0;
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5);
    else if (line.startsWith('parent ')) parents.push(line.slice(7));
    else if (line.startsWith('committer ')) committerTime = Number(line.split(' ').at(-2));
  }
  return { tree, parents, message: end < 0 ? '' : text.slice(end + 2), committerTime };
}

export function hashObject(type: string, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

export class LooseObjectWriter {
  constructor(private readonly objectsDir: string) {}

  async write(type: 'blob' | 'tree' | 'commit', body: Buffer): Promise<string> {
    const oid = hashObject(type, body);
    const dir = path.join(this.objectsDir, oid.slice(0, 2));
    const file = path.join(dir, oid.slice(2));
    try {
      await fs.access(file);
      return oid;
    } catch {
      /* not there yet */
    }
    await writeFileAtomic(file, deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body])), {
      mode: 0o444,
    });
    return oid;
  }
}

export function commitBody(tree: string, parent: string | null, author: string, message: string, when: Date): Buffer {
  const stamp = `${Math.floor(when.getTime() / 1000)} +0000`;
  const lines = [
    `tree ${tree}`,
    ...(parent ? [`parent ${parent}`] : []),
    `author ${author} ${stamp}`,
    `committer ${author} ${stamp}`,
    '',
    message.endsWith('\n') ? message : `${message}\n`,
  ];
  return Buffer.from(lines.join('\n'), 'utf8');
}
