/**
 * The pricing table `s2 init` writes into a new manifest, in USD per million tokens.
 * Source: Anthropic, "Pricing" (https://platform.claude.com/docs/en/about-claude/pricing),
 * model pricing table as read on 2026-11-29: base input, 5-minute cache writes, 1-hour cache
 * writes, cache hits and refreshes, output. Keys are model-id prefixes (the longest prefix
 * wins, so `claude-sonnet-4-5` prices `claude-sonnet-4-5-20250929`). A model missing here is
 * metered at the highest price of the table and reported (UNPRICED_MODEL), never at $0.
 */
import type { ModelPrice } from './manifest';

const row = (input: number, write5m: number, write1h: number, hit: number, output: number): ModelPrice => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cacheWritePerMTok: write5m,
  cacheWrite1hPerMTok: write1h,
  cacheReadPerMTok: hit,
});

export const DEFAULT_PRICING: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-1': row(10, 12.5, 20, 0.25, 50),
  'claude-fable-5': row(10, 12.5, 20, 1, 50),
  'claude-opus-5': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-8': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-7': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-6': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-5': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-1': row(15, 18.75, 30, 1.5, 75),
  'claude-opus-4': row(15, 18.75, 30, 1.5, 75),
  'claude-sonnet-4-6': row(3, 3.75, 6, 0.3, 15),
  'claude-sonnet-4-5': row(3, 3.75, 6, 0.3, 15),
  'claude-sonnet-4': row(3, 3.75, 6, 0.3, 15),
  'claude-haiku-4-5': row(1, 1.25, 2, 0.1, 5),
  'claude-3-5-haiku': row(0.8, 1, 1.6, 0.08, 4),
};

/** The comment init writes above the table in the manifest. */
export const PRICING_COMMENT =
  "USD per million tokens, from Anthropic's pricing page (https://platform.claude.com/docs/en/about-claude/pricing), read 2026-11-29. A model missing here is metered at the highest price below and reported as UNPRICED_MODEL.";

/** Component-wise highest price of a table: what an unpriced model is metered at. */
export function highestPrice(pricing: Readonly<Record<string, ModelPrice>>): ModelPrice {
  const all = Object.values(pricing);
  const table = all.length ? all : Object.values(DEFAULT_PRICING);
  const max = (f: (p: ModelPrice) => number | undefined): number => Math.max(0, ...table.map((p) => f(p) ?? 0));
  return {
    inputPerMTok: max((p) => p.inputPerMTok),
    outputPerMTok: max((p) => p.outputPerMTok),
    cacheWritePerMTok: max((p) => p.cacheWritePerMTok),
    cacheWrite1hPerMTok: max((p) => p.cacheWrite1hPerMTok ?? p.cacheWritePerMTok),
    cacheReadPerMTok: max((p) => p.cacheReadPerMTok),
  };
}
