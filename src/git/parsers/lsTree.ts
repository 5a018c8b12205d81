/** One entry of `git ls-tree -z`: `<mode> SP <type> SP <oid> TAB <path> NUL`. */
export interface LsTreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
  readonly path: string;
}

/** `git ls-tree -z` output; paths are taken as they are (no quoting under -z). */
export function parseLsTree(stdout: string): LsTreeEntry[] {
  const out: LsTreeEntry[] = [];
  for (const l of stdout.split('\0')) {
    const tab = l.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, oid] = l.slice(0, tab).split(' ');
    if (!mode || !type || !oid) continue;
    out.push({ mode, type, oid, path: l.slice(tab + 1) });
  }
  return out;
}
