import { runGit } from './gitProcess';

/**
 * Commit exactly `paths` of a checkout as S² (the manifest, instructions): staged, then
 * committed with `--` so nothing else the person had staged goes with them. Returns false,
 * committing nothing, when the paths did not change (unless `allowEmpty`).
 */
export async function commitPaths(
  repo: string,
  paths: readonly string[],
  message: string,
  opts: { allowEmpty?: boolean } = {},
): Promise<boolean> {
  await runGit(['add', '--', ...paths], { cwd: repo });
  if (!opts.allowEmpty) {
    const staged = await runGit(['diff', '--cached', '--quiet', '--', ...paths], { cwd: repo, allowFailure: true });
    if (staged.code === 0) return false;
  }
  const empty = opts.allowEmpty ? ['--allow-empty'] : [];
  await runGit(
    ['-c', 'user.name=s2', '-c', 'user.email=s2@localhost', 'commit', '-q', ...empty, '-m', message, '--', ...paths],
    {
      cwd: repo,
    },
  );
  return true;
}
