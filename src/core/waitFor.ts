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

/**
 * Blockers ranked by how many sessions wait on them, directly or through others. `rev` is the
 * wait-for graph reversed (who waits on whom), when the caller has it already.
 */
export function rankBlockers(
  wf: WaitFor,
  stalled: (session: string) => boolean,
  rev: Graph = reverse(wf.graph),
): BlockerView[] {
  const into = edgesInto(wf);
  const out: BlockerView[] = [];
  for (const [session, waiters] of rev) {
    if (waiters.length === 0) continue;
    const reached = reachableFrom(rev, session);
    const transitive = reached.size - (reached.has(session) ? 1 : 0);
    const phases = [
      ...new Set((into.get(session) ?? []).map((e) => formatPhaseRef({ session, phase: e.toPhase }))),
    ].sort(byPhaseRef);
    out.push({ session, phases, blocks: [...waiters], transitive, stalled: stalled(session) });
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
  // Phases are numbered nodes (a session's first phase, plus the phase less one), and each
  // node's longest chain is kept as its length and the next node in typed arrays: no key is
  // built per phase visited and no chain is copied (copying made this quadratic in the chain
  // length). The path is spelled out once, for the winner.
  const first = new Map<string, number>();
  let nodes = 0;
  for (const sp of plan.sessions) {
    first.set(sp.id, nodes);
    nodes += sp.phaseCount;
  }
  const sessionOf = new Int32Array(nodes);
  const phaseOf = new Int32Array(nodes);
  const openNode = new Uint8Array(nodes);
  plan.sessions.forEach((sp, i) => {
    const t = table.get(sp.id);
    const f = first.get(sp.id)!;
    for (let n = 1; n <= sp.phaseCount; n++) {
      sessionOf[f + n - 1] = i;
      phaseOf[f + n - 1] = n;
      openNode[f + n - 1] = t?.get(n)?.valid ? 0 : 1;
    }
  });
  /** The node of a phase, or -1 when the plan has no such phase. */
  const node = (s: string, n: number): number => {
    const f = first.get(s);
    if (f === undefined || !Number.isInteger(n) || n < 1) return -1;
    const k = f + n - 1;
    return k < nodes && sessionOf[k] === sessionOf[f] ? k : -1;
  };
  const declared = new Map<number, number[]>();
  for (const e of waits) {
    if (!e.declared) continue;
    const from = node(e.from, e.fromPhase);
    if (from < 0) continue;
    (declared.get(from) ?? declared.set(from, []).get(from)!).push(node(e.to, e.toPhase));
  }
  const len = new Int32Array(nodes); // 0: not computed yet
  const next = new Int32Array(nodes).fill(-1);
  const visiting = new Uint8Array(nodes);
  // Dependencies in order: the predecessor, the needs, the declared waits; the first longest wins.
  const longest = (k: number): number => {
    if (len[k]) return len[k]!;
    if (visiting[k]) return 0;
    visiting[k] = 1;
    const n = phaseOf[k]!;
    const needs = plan.sessions[sessionOf[k]!]!.phases[n - 1]!.needs;
    const waits = declared.get(k);
    const deps = (n > 1 ? 1 : 0) + needs.length + (waits?.length ?? 0);
    let best = 0;
    let to = -1;
    for (let i = 0; i < deps; i++) {
      const j = n > 1 ? i - 1 : i;
      const d = j < 0 ? k - 1 : j < needs.length ? node(needs[j]!.session, needs[j]!.phase) : waits![j - needs.length]!;
      if (d < 0 || !openNode[d]) continue;
      const l = longest(d);
      if (l > best) {
        best = l;
        to = d;
      }
    }
    visiting[k] = 0;
    len[k] = best + 1;
    next[k] = to;
    return best + 1;
  };
  let bestLen = 0;
  let bestNode = -1;
  for (const s of plan.sessions) {
    for (let n = s.phaseCount; n >= 1; n--) {
      const k = first.get(s.id)! + n - 1;
      if (!openNode[k]) break;
      const l = longest(k);
      if (l > bestLen) {
        bestLen = l;
        bestNode = k;
      }
      break; // the last open phase of a session dominates its earlier ones
    }
  }
  const path: string[] = [];
  for (let k = bestNode; k >= 0 && path.length < bestLen; k = next[k]!) {
    path.push(`${plan.sessions[sessionOf[k]!]!.id}:${phaseOf[k]}`);
  }
  return path.reverse();
}
