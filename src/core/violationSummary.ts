/** Up to this many violations of one code on one session are listed one by one. */
import type { Violation } from './viewTypes';

export const LIST_REPEATS_UP_TO = 3;

/**
 * The same code on the same session more than a few times (2,000 unknown files in a flooded
 * folder, a ledger of forged lines) becomes one line with a count: one rogue session cannot
 * bury every other finding in `s2 status`, `s2 validate`, the tree or an agent's JSON. The line
 * keeps the first violation (in the view's order) with `count` and, in its message, how many
 * more there are; errors win over warnings so the gate does not soften.
 */
export function summariseRepeats(vs: readonly Violation[]): Violation[] {
  const groups = new Map<string, Violation[]>();
  for (const v of vs) {
    const k = `${v.code}\u0000${v.session}`;
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  }
  const out: Violation[] = [];
  for (const v of vs) {
    const g = groups.get(`${v.code}\u0000${v.session}`)!;
    if (g.length <= LIST_REPEATS_UP_TO) out.push(v);
    else if (g[0] === v)
      out.push({
        ...v,
        severity: g.some((x) => x.severity === 'error') ? 'error' : v.severity,
        count: g.length,
        message: `${v.message} (and ${g.length - 1} more ${v.code} on ${v.session})`,
      });
  }
  return out;
}
