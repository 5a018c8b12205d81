import { runGit } from './gitProcess';
import { gitError } from './parsers/gitError';
import type { GitTask } from './tasks/gitTask';

/**
 * Run one task through the one door (runGit: counted, bounded, git's environment), and
 * read its output with the task's parser; an exit code the task does not accept becomes a
 * typed S2Error (parsers/gitError.ts).
 */
export async function runTask<T>(task: GitTask<T>, cwd: string): Promise<T> {
  const r = await runGit(task.args, {
    cwd,
    allowFailure: true,
    ...(task.timeoutMs ? { timeoutMs: task.timeoutMs } : {}),
    ...(task.input !== undefined ? { input: task.input } : {}),
  });
  const ok = task.okCodes === 'any' || r.code === 0 || (task.okCodes ?? []).includes(r.code);
  if (!ok) throw gitError(task.args, r.code, r.stderr, r.stdout);
  return task.parse(r);
}
