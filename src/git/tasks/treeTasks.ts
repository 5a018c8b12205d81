/** Every file of the commit `rev` names (`git ls-tree -r -z --full-tree rev^{commit}`). */
import { LsTreeEntry, parseLsTree } from '../parsers/lsTree';
import { GitTask } from './gitTask';

export function filesOfCommit(rev: string): GitTask<LsTreeEntry[]> {
  return { args: ['ls-tree', '-r', '-z', '--full-tree', `${rev}^{commit}`], parse: (r) => parseLsTree(r.stdout) };
}
