/** Merge two commits without a checkout (`git merge-tree --write-tree`): the tree, or the conflicted paths. */
import { MergeTreeResult, parseMergeTree } from '../parsers/mergeTree';
import { GitTask } from './gitTask';

export function mergeTree(a: string, b: string, o: { nul?: boolean } = {}): GitTask<MergeTreeResult> {
  return {
    args: ['merge-tree', '--write-tree', '--name-only', '--no-messages', ...(o.nul ? ['-z'] : []), a, b],
    okCodes: [1],
    parse: (r) => parseMergeTree(r.stdout, r.code, !!o.nul),
  };
}
