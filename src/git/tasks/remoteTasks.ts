/** Talking to the remote: a fetch of everything, the cheap change probe, the remotes' names. */
import { parseLsRemote, RemoteRef } from '../parsers/lsRemote';
import { GitTask } from './gitTask';

export const FETCH_TIMEOUT_MS = 120_000;
export const PROBE_TIMEOUT_MS = 30_000;

/** `git fetch --quiet <remote>`; its failure is an answer (the loop backs off), so every exit code is returned. */
export function fetchRemote(remote: string): GitTask<{ ok: boolean; stderr: string }> {
  return {
    args: ['fetch', '--quiet', remote],
    okCodes: 'any',
    timeoutMs: FETCH_TIMEOUT_MS,
    parse: (r) => ({ ok: r.code === 0, stderr: r.stderr }),
  };
}

/** The remote's branch tips (`git ls-remote --heads`, ~22 ms): null when the remote cannot be asked. */
export function lsRemoteHeads(remote: string): GitTask<RemoteRef[] | null> {
  return {
    args: ['ls-remote', '--heads', remote],
    okCodes: 'any',
    timeoutMs: PROBE_TIMEOUT_MS,
    parse: (r) => (r.code === 0 ? parseLsRemote(r.stdout) : null),
  };
}

export function remoteNames(): GitTask<string[]> {
  return { args: ['remote'], okCodes: 'any', parse: (r) => (r.code === 0 ? lines(r.stdout) : []) };
}

function lines(s: string): string[] {
  return s.split('\n').filter(Boolean);
}
