import type { GitResult } from '../gitProcess';

/**
 * One git command as data, in the simple-git style: the argv and how to read its output,
 * both pure (unit-tested without git). `runTask` is the one place that runs them.
 */
export interface GitTask<T> {
  readonly args: readonly string[];
  /** Exit codes that are answers, not failures (merge-tree's 1: "conflicts"; rev-parse --verify's 1: "no such commit"). */
  readonly okCodes?: readonly number[] | 'any';
  /** Bound on the process (network commands, cleanup). */
  readonly timeoutMs?: number;
  readonly input?: string;
  parse(result: GitResult): T;
}

/** A task whose output is its trimmed stdout. */
export function textTask(args: readonly string[], extra: Partial<GitTask<string>> = {}): GitTask<string> {
  return { args, parse: (r) => r.stdout.trim(), ...extra };
}

/** A task that reports only success. */
export function voidTask(args: readonly string[], extra: Partial<GitTask<void>> = {}): GitTask<void> {
  return { args, parse: () => undefined, ...extra };
}
