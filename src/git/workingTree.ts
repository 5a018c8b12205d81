/**
 * What in a checkout is not in its HEAD commit: modified, staged, deleted and untracked
 * (not ignored) files, as `git status --porcelain` lines. `complete-phase` refuses while there
 * are any, so the checks it runs judge exactly the commit its record names.
 */
import { runGit } from './gitProcess';

export async function uncommittedChanges(root: string): Promise<string[]> {
  const r = await runGit(['status', '--porcelain', '--untracked-files=all'], { cwd: root });
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}
