/** Refs and revisions: what HEAD is, which branches exist, what a name resolves to. */
import { GitTask, textTask, voidTask } from './gitTask';

/** The commit id `rev` names (`git rev-parse`); a name that does not resolve is an error. */
export function revParse(rev: string): GitTask<string> {
  return textTask(['rev-parse', rev]);
}

/** The commit `rev` names, or null when it names none (`rev-parse --verify --quiet rev^{commit}`). */
export function commitOf(rev: string): GitTask<string | null> {
  return {
    args: ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`],
    okCodes: 'any',
    parse: (r) => (r.code === 0 ? r.stdout.trim() : null),
  };
}

/** The full ref name of `ref` (`refs/heads/…`, `refs/remotes/…`), or `ref` itself when it is not a ref. */
export function fullRefName(ref: string): GitTask<string> {
  return {
    args: ['rev-parse', '--symbolic-full-name', ref],
    okCodes: 'any',
    parse: (r) => r.stdout.trim() || ref,
  };
}

/** The top folder of the checkout around the cwd, or the reason there is none. */
export function topLevel(): GitTask<{ root: string } | { error: string }> {
  return {
    args: ['rev-parse', '--show-toplevel'],
    okCodes: 'any',
    parse: (r) => (r.code === 0 ? { root: r.stdout.trim() } : { error: r.stderr.trim() }),
  };
}

/** The branch checked out (short name), or null on a detached HEAD. */
export function currentBranch(): GitTask<string | null> {
  return {
    args: ['symbolic-ref', '--quiet', '--short', 'HEAD'],
    okCodes: 'any',
    parse: (r) => (r.code === 0 ? r.stdout.trim() : null),
  };
}

/** The local branches' short names. */
export function localBranches(): GitTask<string[]> {
  return {
    args: ['for-each-ref', '--format=%(refname:short)', 'refs/heads'],
    parse: (r) => r.stdout.split('\n').filter(Boolean),
  };
}

export function createBranch(name: string, at: string): GitTask<void> {
  return voidTask(['branch', name, at]);
}

/** Take `paths` out of the index again (an init that failed after staging its manifest). */
export function unstage(paths: readonly string[]): GitTask<void> {
  return voidTask(['reset', '-q', '--', ...paths], { okCodes: 'any' });
}
