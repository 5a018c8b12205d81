/** What a person types into the input boxes, parsed and checked. Pure, so it is unit-tested. */

/**
 * An amount of USD as a person types it: `17`, `$17`, `1.25`, `$ 1,250.50`, `17 USD`.
 * Null when it is not a non-negative amount. Pure.
 */
export function parseUsd(text: string): number | null {
  const m = /^\s*\$?\s*(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?\s*(?:usd)?\s*$/i.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  const n = Number(`${(m[1] ?? '0').replace(/,/g, '')}${m[2] ?? ''}`);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function splitIds(text: string): string[] {
  return text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Session ids as typed (`a, b, c`); check them with sessionIdsProblem first. */
export function sessionIds(text: string): string[] {
  return splitIds(text);
}

/** What is wrong with a list of session ids, in words, or undefined. */
export function sessionIdsProblem(text: string): string | undefined {
  if (!/^\s*[A-Za-z0-9][\w.-]*(\s*,\s*[A-Za-z0-9][\w.-]*)*\s*$/.test(text))
    return 'letters, digits, _ . - separated by commas';
  const ids = splitIds(text);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  return dup ? `"${dup}" is listed twice: each session needs its own id` : undefined;
}
