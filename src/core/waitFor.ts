/**
 * The wait-for graph. A session waits on another when its current phase (the first without a
 * valid completion) has a need on that session's phase that is not satisfied, or when it
 * declared itself blocked (`s2 block`) on a phase that is still open. Edges carry the phases.
 */
import { CompletionTable, satisfiesNeed } from './completions';
import { sessionPlan, type SwarmPlan } from './manifest';
import { formatPhaseRef, isPhaseRef, parsePhaseRef } from './phaseRef';
import { buildGraph, cycles, deadlockedNodes, Graph, reachableFrom, reverse, withoutEdge } from './graph';
import type { Snapshot } from './snapshot';
import type { BlockerView, DeadlockView, Violation } from './viewTypes';

export interface WaitEdge {
  readonly from: string;
  readonly fromPhase: number;
  readonly to: string;
  readonly toPhase: number;
  readonly declared: boolean;
}

export interface WaitFor {
  readonly edges: readonly WaitEdge[];
  readonly graph: Graph;
  readonly current: ReadonlyMap<string, number>;
}

export function currentPhases(plan: SwarmPlan, table: CompletionTable): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of plan.sessions) {
    const t = table.get(s.id)!;
    let n = 1;
    while (n <= s.phaseCount && t.get(n)?.valid) n++;
    out.set(s.id, n);
  }
  return out;
}

export function buildWaitFor(snap: Snapshot, table: CompletionTable, violations: Violation[]): WaitFor {
  const plan = snap.plan;
  const current = currentPhases(plan, table);
  const edges: WaitEdge[] = [];
  const seen = new Set<string>();
  const add = (e: WaitEdge): void => {
    const k = `${e.from}:${e.fromPhase}>${e.to}:${e.toPhase}`;
    if (!seen.has(k)) {
      seen.add(k);
      edges.push(e);
    }
  };
  for (const s of plan.sessions) {
    const n = current.get(s.id)!;
    if (n > s.phaseCount) continue;
    for (const need of s.phases[n - 1]!.needs) {
      if (!satisfiesNeed(table.get(need.session)?.get(need.phase), plan))
        add({ from: s.id, fromPhase: n, to: need.session, toPhase: need.phase, declared: false });
    }
    for (const b of snap.sessions[s.id]?.status?.blockedOn ?? []) {
      if (!isPhaseRef(b.on)) continue;
      const ref = parsePhaseRef(b.on);
      const target = ref.session === s.id ? undefined : sessionPlan(plan, ref.session);
      if (!target || ref.phase > target.phaseCount) {
        // A wait on a phase nobody has would be an edge to nowhere: every reader's gang-up plan
        // would look the phase up and fail, so one status record could blind the swarm.
        violations.push({
          code: 'FALSE_BLOCKER',
          session: s.id,
          severity: 'warning',
          ref: b.on,
          message: `${s.id} declares itself blocked on ${b.on}, which is not another session's phase`,
        });
        continue;
      }
      if (satisfiesNeed(table.get(ref.session)?.get(ref.phase), plan)) {
        violations.push({
          code: 'FALSE_BLOCKER',
          session: s.id,
          severity: 'warning',
          ref: b.on,
          message: `${s.id} declares itself blocked on ${b.on}, but ${b.on} is complete and verified`,
        });
        continue;
      }
      add({ from: s.id, fromPhase: n, to: ref.session, toPhase: ref.phase, declared: true });
    }
  }
  const graph = buildGraph(
    plan.sessions.map((s) => s.id),
    edges.map((e) => [e.from, e.to] as const),
  );
  return { edges, graph, current };
}

/** The wait edges grouped by the session waited on, in edge order (once per view, not a scan per blocker). */
export function edgesInto(wf: WaitFor): ReadonlyMap<string, readonly WaitEdge[]> {
  const out = new Map<string, WaitEdge[]>();
  for (const e of wf.edges) {
    const list = out.get(e.to);
    if (list) list.push(e);
    else out.set(e.to, [e]);
  }
  return out;
}

/** Blockers ranked by how many sessions wait on them, directly or through others. */
export function rankBlockers(wf: WaitFor, stalled: (session: string) => boolean): BlockerView[] {
  const rev = reverse(wf.graph);
  const into = edgesInto(wf);
  const out: BlockerView[] = [];
  for (const [session, waiters] of rev) {
    if (waiters.length === 0) continue;
    const transitive = [...reachableFrom(rev, session)].filter((s) => s !== session);
    const phases = [
      ...new Set((into.get(session) ?? []).map((e) => formatPhaseRef({ session, phase: e.toPhase }))),
    ].sort(byPhaseRef);
    out.push({ session, phases, blocks: [...waiters], transitive: transitive.length, stalled: stalled(session) });
  }
  return out.sort(
    (a, b) => b.transitive - a.transitive || b.blocks.length - a.blocks.length || (a.session < b.session ? -1 : 1),
  );
}

function byPhaseRef(a: string, b: string): number {
  const [sa, pa] = a.split(':');
  const [sb, pb] = b.split(':');
  return sa! < sb! ? -1 : sa! > sb! ? 1 : Number(pa) - Number(pb);
}

/** Each cycle once, with the edge whose removal frees the most sessions from waiting forever. */
export function findDeadlocks(wf: WaitFor): DeadlockView[] {
  const found = cycles(wf.graph);
  if (found.length === 0) return [];
  const before = deadlockedNodes(wf.graph).size;
  return found.map((members) => {
    const inside = new Set(members);
    const cycleEdges = wf.edges.filter((e) => inside.has(e.from) && inside.has(e.to));
    let best: { from: string; to: string; unblocks: number; declared: boolean } | undefined;
    const candidates = [...new Map(cycleEdges.map((e) => [`${e.from}>${e.to}`, e])).values()];
    for (const e of candidates) {
      const freed = before - deadlockedNodes(withoutEdge(wf.graph, e.from, e.to)).size;
      // Prefer the edge that frees most; then a declared wait (cheapest to withdraw); then by name.
      if (!best || freed > best.unblocks || (freed === best.unblocks && e.declared && !best.declared))
        best = { from: e.from, to: e.to, unblocks: freed, declared: e.declared };
    }
    const phases = cycleEdges.map((e) => `${e.from}:${e.fromPhase} -> ${e.to}:${e.toPhase}`).sort();
    const chosen = cycleEdges
      .filter((e) => e.from === best!.from && e.to === best!.to)
      .map((e) => `${e.from}:${e.fromPhase} -> ${e.to}:${e.toPhase}`);
    const text = best!.declared
      ? `${best!.from} withdraws its declared wait on ${best!.to} (${chosen.join(', ')}); frees ${best!.unblocks} session(s)`
      : `drop or defer the need ${chosen.join(', ')} in .s2/swarm.yaml (or deliver a stub of ${best!.to}'s phase first); frees ${best!.unblocks} session(s)`;
    return {
      sessions: members,
      phases,
      suggestion: { from: best!.from, to: best!.to, unblocks: best!.unblocks, text },
    };
  });
}

/**
 * The longest chain of phases still to do (each open phase counts one), following each phase's
 * predecessor, its needs and the waits sessions declared (`s2 block`): a declared wait holds a
 * session up exactly as a need does, so the path goes through the phase it waits on.
 */
export function criticalPath(plan: SwarmPlan, table: CompletionTable, waits: readonly WaitEdge[] = []): string[] {
  const declared = new Map<string, { session: string; phase: number }[]>();
  for (const e of waits) {
    if (!e.declared) continue;
    const k = `${e.from}:${e.fromPhase}`;
    (declared.get(k) ?? declared.set(k, []).get(k)!).push({ session: e.to, phase: e.toPhase });
  }
  // Each phase's longest chain is kept as its length and the next step, not as a copied
  // array: copying made this quadratic in the chain length, the largest cost of the view at
  // 1000 sessions. The path is spelled out once, for the winner.
  const memo = new Map<string, { len: number; next: string | null }>();
  const byId = new Map(plan.sessions.map((x) => [x.id, x]));
  const visiting = new Set<string>();
  const open = (s: string, n: number): boolean => !table.get(s)?.get(n)?.valid;
  const longest = (s: string, n: number): number => {
    const key = `${s}:${n}`;
    const hit = memo.get(key);
    if (hit) return hit.len;
    if (visiting.has(key)) return 0;
    visiting.add(key);
    const sp = byId.get(s)!;
    let best = 0;
    let next: string | null = null;
    const deps = [
      ...(n > 1 ? [{ session: s, phase: n - 1 }] : []),
      ...sp.phases[n - 1]!.needs,
      ...(declared.get(key) ?? []),
    ];
    for (const d of deps) {
      if (!byId.get(d.session)?.phases[d.phase - 1] || !open(d.session, d.phase)) continue;
      const len = longest(d.session, d.phase);
      if (len > best) {
        best = len;
        next = `${d.session}:${d.phase}`;
      }
    }
    visiting.delete(key);
    memo.set(key, { len: best + 1, next });
    return best + 1;
  };
  let bestLen = 0;
  let bestKey: string | null = null;
  for (const s of plan.sessions) {
    for (let n = s.phaseCount; n >= 1; n--) {
      if (!open(s.id, n)) break;
      const len = longest(s.id, n);
      if (len > bestLen) {
        bestLen = len;
        bestKey = `${s.id}:${n}`;
      }
      break; // the last open phase of a session dominates its earlier ones
    }
  }
  const path: string[] = [];
  for (let k = bestKey; k !== null && path.length < bestLen; k = memo.get(k)?.next ?? null) path.push(k);
  return path.reverse();
}
