import { S2Error } from '../../core/errors';

/**
 * A failed git command as a typed S2Error: the code says what kind of failure (no repository,
 * a remote that cannot be reached, a timeout, anything else), the message keeps git's own words.
 */
export function gitError(args: readonly string[], code: number, stderr: string, stdout = ''): S2Error {
  const said = stderr.trim() || stdout.trim();
  const data = { args: [...args], exitCode: code, stderr };
  const text = `git ${args.join(' ')} failed (exit ${code}): ${said}`;
  if (/not a git repository/i.test(said)) return new S2Error('NOT_A_REPO', text, data);
  if (
    /could not read from remote|does not appear to be a git repository|unable to access|could not resolve host/i.test(
      said,
    )
  )
    return new S2Error('REMOTE_UNREACHABLE', text, data);
  if (code === 128 && said === '') return new S2Error('TIMEOUT', `git ${args.join(' ')} was stopped (timed out)`, data);
  return new S2Error('GIT_FAILED', text, data);
}
