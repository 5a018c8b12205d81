/**
 * Append-only logs (ledger, witness) are hash-chained: each entry names the hash of the one
 * before it, and its own hash covers its content and that link. Removing, reordering or
 * editing an entry breaks the chain at that point.
 */
import { canonicalJson } from './canonicalJson';
import { sha256 } from './signing';

export interface Chained {
  seq: number;
  prev: string;
  hash: string;
}

export const CHAIN_GENESIS = '0'.repeat(64);

export function chainHash(entry: Record<string, unknown>): string {
  const { hash: _h, signature: _s, ...rest } = entry;
  return sha256(canonicalJson(rest));
}

export function appendToChain<T extends Record<string, unknown>>(
  previous: readonly Chained[],
  content: T,
): T & Chained {
  const last = previous[previous.length - 1];
  const base = { ...content, seq: last ? last.seq + 1 : 1, prev: last ? last.hash : CHAIN_GENESIS };
  return { ...base, hash: chainHash(base) } as T & Chained;
}

/**
 * What a reader admits of a chain: the entries before the first break (all of them when it is
 * whole), and the index of the break (-1 when whole) so the reader can report it. Ledgers,
 * witness logs, budget approvals and manifest approvals are all cut here, the same way.
 */
export function chainPrefix<T extends Chained>(entries: readonly T[]): { kept: T[]; brokenAt: number } {
  const brokenAt = firstChainBreak(entries);
  return { kept: brokenAt >= 0 ? entries.slice(0, brokenAt) : [...entries], brokenAt };
}

/** Index of the first entry that breaks the chain, or -1 when the chain is whole. */
export function firstChainBreak(entries: readonly Chained[]): number {
  let prev = CHAIN_GENESIS;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.prev !== prev || e.seq !== i + 1 || chainHash(e as unknown as Record<string, unknown>) !== e.hash) return i;
    prev = e.hash;
  }
  return -1;
}
