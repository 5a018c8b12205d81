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
  const groupOf = vs.map((v) => {
    const k = `${v.code}\u0000${v.session}`; // built once per violation, not twice
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
    return g ?? groups.get(k)!;
  });
  const out: Violation[] = [];
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i]!;
    const g = groupOf[i]!;
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
