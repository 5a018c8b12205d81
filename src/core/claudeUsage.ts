/**
 * Real usage from Claude Code's local session logs (JSON lines; assistant messages carry
 * `message.model` and `message.usage` token counts), priced with the manifest's table.
 * A message id appears once per streamed chunk, so messages are counted once by id.
 */
import type { ModelPrice } from './manifest';

export interface UsageLine {
  readonly id: string;
  readonly model: string;
  readonly usd: number;
  readonly tokens: number;
}

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  /** Cache writes split by TTL, as Claude Code's transcripts carry them. */
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number };
}

export function priceUsage(usage: Usage, price: ModelPrice): number {
  const m = 1_000_000;
  const n = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0);
  const write1h = n(usage.cache_creation?.ephemeral_1h_input_tokens);
  const write5m = n(usage.cache_creation_input_tokens) - Math.min(write1h, n(usage.cache_creation_input_tokens));
  return (
    (n(usage.input_tokens) * price.inputPerMTok +
      n(usage.output_tokens) * price.outputPerMTok +
      write5m * price.cacheWritePerMTok +
      write1h * (price.cacheWrite1hPerMTok ?? price.cacheWritePerMTok) +
      n(usage.cache_read_input_tokens) * price.cacheReadPerMTok) /
    m
  );
}

/** Longest configured model name that prefixes the log's model id (claude-sonnet-4 prices claude-sonnet-4-20250514). */
export function findPrice(pricing: Readonly<Record<string, ModelPrice>>, model: string): ModelPrice | undefined {
  const key = Object.keys(pricing)
    .filter((k) => model.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  return key ? pricing[key] : undefined;
}

export function parseClaudeLog(
  text: string,
  pricing: Readonly<Record<string, ModelPrice>>,
): { lines: UsageLine[]; unpriced: string[]; badLines: number } {
  const byId = new Map<string, UsageLine>();
  const unpriced = new Set<string>();
  let badLines = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let o: { type?: string; message?: { id?: string; model?: string; usage?: Usage }; uuid?: string };
    try {
      o = JSON.parse(raw);
    } catch {
      badLines++;
      continue;
    }
    const msg = o.message;
    if (o.type !== 'assistant' || !msg?.usage || !msg.model) continue;
    const price = findPrice(pricing, msg.model);
    if (!price) {
      unpriced.add(msg.model);
      continue;
    }
    const id = msg.id ?? o.uuid ?? raw.slice(0, 64);
    const u = msg.usage;
    byId.set(id, {
      id,
      model: msg.model,
      usd: priceUsage(u, price),
      tokens:
        (u.input_tokens ?? 0) +
        (u.output_tokens ?? 0) +
        (u.cache_creation_input_tokens ?? 0) +
        (u.cache_read_input_tokens ?? 0),
    });
  }
  return { lines: [...byId.values()], unpriced: [...unpriced].sort(), badLines };
}
