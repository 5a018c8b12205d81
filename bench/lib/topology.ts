import * as path from 'node:path';
import type { GeneratedSwarm } from './swarmGen';
import { git } from './util';

/**
 * Checkouts of a generated swarm for a session, in either topology: a worktree of the
 * generated repository (shared refs, no fetch), or a clone of a bare remote made from it.
 */
export type Topology = 'worktree' | 'remote';

/** A bare remote made from the generated repository. */
export async function bareRemote(gen: GeneratedSwarm, dest: string): Promise<string> {
  await git(path.dirname(dest), ['clone', '-q', '--bare', gen.dir, dest]);
  await git(dest, ['config', 'gc.auto', '0']);
  await git(dest, ['config', 'receive.autogc', 'false']);
  return dest;
}

/** A checkout for `session`, its work branch checked out. */
export async function checkoutFor(
  gen: GeneratedSwarm,
  topology: Topology,
  session: string,
  dest: string,
  bare?: string,
): Promise<string> {
  if (topology === 'worktree') {
    await git(gen.dir, ['worktree', 'add', '-q', dest, `s2/work/${session}`]);
  } else {
    if (!bare) throw new Error('a clone needs the bare remote');
    await git(path.dirname(dest), ['clone', '-q', bare, dest]);
    await git(dest, ['checkout', '-q', `s2/work/${session}`]);
    await git(dest, ['config', 'gc.auto', '0']);
  }
  return dest;
}

/** Run `fn` over `items` with at most `limit` at a time. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (x: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}
