/** One line of `git ls-remote`: an object id and the ref that points at it. */
export interface RemoteRef {
  readonly oid: string;
  readonly ref: string;
}

/** `git ls-remote` output (`<oid>\t<ref>` per line); lines of another shape are skipped. */
export function parseLsRemote(stdout: string): RemoteRef[] {
  const out: RemoteRef[] = [];
  for (const line of stdout.split('\n')) {
    const [oid, ref, extra] = line.split('\t');
    if (!oid || !ref || extra !== undefined || !/^[0-9a-f]{40,64}$/.test(oid)) continue;
    out.push({ oid, ref });
  }
  return out;
}

/** The branches among them: `refs/heads/<name>` → name and oid. */
export function remoteBranches(refs: readonly RemoteRef[]): { branch: string; oid: string }[] {
  return refs
    .filter((r) => r.ref.startsWith('refs/heads/'))
    .map((r) => ({ branch: r.ref.slice('refs/heads/'.length), oid: r.oid }));
}
