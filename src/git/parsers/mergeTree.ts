/** What `git merge-tree --write-tree --name-only --no-messages` answered. */
export type MergeTreeResult =
  | { readonly clean: true; readonly tree: string }
  | { readonly clean: false; readonly tree: string; readonly conflicts: readonly string[] };

/**
 * Its output: the merged tree id, then (exit 1) the conflicted paths, one per line, or with
 * `-z` NUL-terminated. Exit 0 is clean, 1 is conflicts; anything else is a failure (runTask).
 */
export function parseMergeTree(stdout: string, exitCode: number, nulTerminated: boolean): MergeTreeResult {
  const parts = nulTerminated ? stdout.split('\0') : stdout.split('\n');
  const tree = (parts[0] ?? '').trim();
  if (exitCode === 0) return { clean: true, tree };
  return { clean: false, tree, conflicts: parts.slice(1).filter(Boolean) };
}
