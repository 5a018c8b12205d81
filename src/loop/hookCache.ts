import * as path from 'node:path';
import type { HookStanding } from '../core/hookFastDecision';
import type { ModelPrice } from '../core/manifest';
import { LocalStateKey } from '../git/localState';

/**
 * The hook's decision cache: a session's standing (budget, agent slots, a wait on a person)
 * as the last full read computed it, with the ref tips that read depended on, in
 * `.git/s2/hook-cache/`. `s2 hook` writes it after every full answer; the next call answers
 * from it only while every one of those tips is unchanged (compared by reading the ref
 * files, src/git/refTips.ts) and it is younger than HOOK_CACHE_MAX_AGE_SECONDS.
 *
 * `.git` is writable by every session of the clone, a rogue one included, so the file is
 * authenticated with the clone-local key (src/git/localState.ts); a file that fails the check
 * is ignored, never trusted. The fields are checked by hand, not by a zod schema: the fast
 * path exists to not load zod.
 */
export interface HookCache extends HookStanding {
  readonly v: 1;
  /** The session's work branch (the cache of a call that named no session is found by it). */
  readonly branch: string;
  /** When the full read ran (the caller's clock: S2_NOW in drills). */
  readonly computedAt: string;
  /** The inputs from the environment that change what the full read sees. */
  readonly envKey: string;
  /** Every ref the standing depends on → its tip before the read (null: absent). */
  readonly refs: Readonly<Record<string, string | null>>;
  /** The manifest's prices, to bound the spend not metered yet. */
  readonly pricing: Readonly<Record<string, ModelPrice>>;
  /** The slot journal's epoch when the standing was read (agentSlotJournal.ts): another journal is not this one. */
  readonly slotEpoch: string;
}

/**
 * The cache is refreshed at least this often, by a full read that also meters and records the
 * spend the runtime wrote meanwhile: it bounds how late the ledger (what other sessions see)
 * can be. A call answered from the cache has already counted that spend against the budget.
 */
export const HOOK_CACHE_MAX_AGE_SECONDS = 20;

/** Environment that changes what a full read sees: a different value is a different cache. */
export function hookEnvKey(env: NodeJS.ProcessEnv): string {
  return JSON.stringify(
    ['S2_COORDINATION_BRANCH', 'S2_TRUST_FINGERPRINTS', 'S2_REMOTE', 'S2_HOME'].map((k) => env[k] ?? null),
  );
}

/** The cache file for a call: by the session it names, else by the branch checked out. */
export function hookCacheFile(commonDir: string, by: { session: string } | { branch: string }): string {
  const name =
    'session' in by ? `session-${encodeURIComponent(by.session)}` : `branch-${encodeURIComponent(by.branch)}`;
  return path.join(commonDir, 's2', 'hook-cache', `${name}.json`);
}

export async function writeHookCache(file: string, key: LocalStateKey, cache: HookCache): Promise<void> {
  await key.write(file, JSON.stringify(cache));
}

/** The cache in `file` if it exists, is authentic and well-formed; null otherwise. */
export async function readHookCache(file: string, key: LocalStateKey): Promise<HookCache | null> {
  const r = await key.read(file);
  if (r.status !== 'ok') return null;
  let c: Partial<HookCache>;
  try {
    c = JSON.parse(r.text) as Partial<HookCache>;
  } catch {
    return null;
  }
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  const ok =
    c.v === 1 &&
    typeof c.session === 'string' &&
    typeof c.branch === 'string' &&
    typeof c.computedAt === 'string' &&
    typeof c.envKey === 'string' &&
    finite(c.budgetFraction) &&
    finite(c.budgetUsd) &&
    finite(c.swarmSpendUsd) &&
    finite(c.maxAgents) &&
    typeof c.slotEpoch === 'string' &&
    (c.swarmBudgetUsd === null || finite(c.swarmBudgetUsd)) &&
    Array.isArray(c.agentsRunning) &&
    c.agentsRunning.every((a) => typeof a === 'string') &&
    typeof c.awaitingInput === 'boolean' &&
    !!c.refs &&
    typeof c.refs === 'object' &&
    Object.values(c.refs).every((t) => t === null || typeof t === 'string') &&
    !!c.pricing &&
    typeof c.pricing === 'object';
  return ok ? (c as HookCache) : null;
}
