/**
 * Small text helpers shared by the v1 parsers: lines with their numbers, the key/value lines
 * that v1 status files wrote in two dialects (YAML `key: value` and markdown
 * `**Key:** value`), timestamps in the shapes v1 used, dollar amounts and tags.
 */
export interface TextLine {
  /** 1-based. */
  readonly n: number;
  readonly text: string;
  /** Inside a ``` fence. */
  readonly fenced: boolean;
}

export function textLines(text: string): TextLine[] {
  let fenced = false;
  return text.split(/\r?\n/).map((line, i) => {
    const fence = /^\s*```/.test(line);
    const out = { n: i + 1, text: line, fenced: fenced || fence };
    if (fence) fenced = !fenced;
    return out;
  });
}

export interface KeyValue {
  /** Lowercase, words joined by `_`: "Last Updated" → `last_updated`. */
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

const YAML_KV = /^([A-Za-z][A-Za-z0-9 _-]{0,40}):(?:\s+(.*))?$/;
const MD_KV = /^(?:[-*]\s+)?\*\*([A-Za-z][A-Za-z0-9 _-]{0,40}?)(?::\*\*|\*\*\s*:)\s*(.*)$/;

/** Top-level key/value lines outside code fences, in file order. */
export function keyValues(text: string): KeyValue[] {
  const out: KeyValue[] = [];
  for (const l of textLines(text)) {
    if (l.fenced) continue;
    const m = MD_KV.exec(l.text) ?? YAML_KV.exec(l.text);
    if (!m) continue;
    out.push({
      key: m[1]!
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_'),
      value: cleanValue(m[2] ?? ''),
      line: l.n,
    });
  }
  return out;
}

/** Strip markdown emphasis, code ticks, quotes, check marks and emoji from a value. */
export function cleanValue(value: string): string {
  return value
    .replace(/[*`"]/g, '')
    .replace(/[\u{1F000}-\u{1FAFF}\u2300-\u23FF\u2600-\u27BF\u2B00-\u2BFF]/gu, '')
    .replace(/\uFE0F/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface Timestamp {
  readonly iso: string;
  readonly dateOnly: boolean;
}

const STAMP = /(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?/i;

/** Parse a v1 timestamp ("2025-11-12T20:45:00Z", "2025-11-14 09:00 UTC", "2025-11-11"); a time without a zone is read as UTC. */
export function parseTimestamp(value: string): Timestamp | undefined {
  const m = STAMP.exec(value);
  if (!m) return undefined;
  if (m[2] === undefined) {
    const d = new Date(`${m[1]}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? undefined : { iso: d.toISOString(), dateOnly: true };
  }
  const zone = !m[5] || /^(?:UTC|GMT|Z)$/i.test(m[5]) ? 'Z' : m[5].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const d = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : { iso: d.toISOString(), dateOnly: false };
}

/** "$40", "40.00", "$15-20" (the upper bound: a budget range caps at its top). */
export function parseUsd(value: string): number | undefined {
  const m = /\$?\s*(\d+(?:\.\d+)?)(?:\s*-\s*\$?(\d+(?:\.\d+)?))?/.exec(value);
  if (!m) return undefined;
  return Number(m[2] ?? m[1]);
}

/** A v2 expertise tag: lowercase words joined by `-`; file names and empty strings are dropped. */
export function toTag(text: string): string | undefined {
  const t = cleanValue(text)
    .toLowerCase()
    .replace(/[^a-z0-9.:+]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!t || /\.(?:py|ts|js|md|ya?ml)$/.test(t)) return undefined;
  return t;
}

/** The first `#` heading of a markdown text. */
export function firstHeading(text: string): { text: string; line: number } | undefined {
  for (const l of textLines(text)) {
    const m = !l.fenced && /^#\s+(.+)$/.exec(l.text);
    if (m) return { text: m[1]!.trim(), line: l.n };
  }
  return undefined;
}

/** The cells of a markdown or pipe table row, trimmed. */
export function tableCells(line: string): string[] {
  return line
    .replace(/^\s*\|/, '')
    .replace(/\|\s*$/, '')
    .split('|')
    .map((c) => c.trim());
}
