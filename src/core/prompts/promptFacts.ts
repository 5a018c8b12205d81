/**
 * What a session's prompt says about it, read from the plan only (no records, no clock), so
 * the same manifest always gives the same prompt. `promptName` and per-phase `supports` are
 * manifest keys the schema passes through (written by `s2 import v1`); other swarms omit them.
 */
import { sessionPlan, type SessionPlan, type SwarmPlan } from '../manifest';
import { formatPhaseRef } from '../phaseRef';

export interface Dependent {
  /** My phase that others wait for. */
  readonly phase: number;
  /** Their phases, `session:phase`. */
  readonly waiting: readonly string[];
}

export interface Support {
  readonly phase: number;
  readonly sessions: readonly string[];
}

export interface HelpOffer {
  /** A phase of another session, `session:phase`. */
  readonly ref: string;
  readonly tasks: readonly string[];
  /** The expertise tags I share with that session or phase. */
  readonly shared: readonly string[];
}

export interface PromptFacts {
  readonly swarm: string;
  readonly session: SessionPlan;
  readonly name: string;
  readonly coordinationBranch: string;
  readonly dependents: readonly Dependent[];
  readonly supports: readonly Support[];
  readonly offers: readonly HelpOffer[];
  readonly others: readonly string[];
}

function rawSession(plan: SwarmPlan, id: string): Record<string, unknown> {
  return (plan.raw.sessions[id] ?? {}) as Record<string, unknown>;
}

/** `SESSION-<ID>` unless the manifest names the session's prompt (`promptName`). */
export function promptName(plan: SwarmPlan, id: string): string {
  const given = rawSession(plan, id)['promptName'];
  const name = typeof given === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(given) ? given : `SESSION-${id}`;
  return name.toUpperCase();
}

export function promptFileName(plan: SwarmPlan, id: string): string {
  return `${promptName(plan, id)}-AUTO-POLLING-V2.md`;
}

function supportsOf(plan: SwarmPlan, id: string): Support[] {
  const phases = (rawSession(plan, id)['phases'] ?? {}) as Record<string, Record<string, unknown> | null>;
  const known = new Set(plan.sessions.map((s) => s.id));
  return Object.entries(phases)
    .map(([n, p]) => ({
      phase: Number(n),
      sessions: (Array.isArray(p?.['supports']) ? (p!['supports'] as unknown[]) : []).filter(
        (x): x is string => typeof x === 'string' && known.has(x),
      ),
    }))
    .filter((s) => s.sessions.length > 0)
    .sort((a, b) => a.phase - b.phase);
}

export function promptFacts(plan: SwarmPlan, id: string): PromptFacts {
  const session = sessionPlan(plan, id)!;
  const dependents: Dependent[] = [];
  // A phase in a baseline (complete before S²) neither waits nor is waited for.
  for (const p of session.phases.filter((x) => x.phase > session.baselinePhase)) {
    const waiting = plan.sessions.flatMap((o) =>
      o.phases
        .filter((op) => op.phase > o.baselinePhase && op.needs.some((n) => n.session === id && n.phase === p.phase))
        .map((op) => formatPhaseRef({ session: o.id, phase: op.phase })),
    );
    if (waiting.length) dependents.push({ phase: p.phase, waiting });
  }
  const mine = new Set(session.expertise);
  const offers: HelpOffer[] = [];
  for (const o of plan.sessions.filter((x) => x.id !== id)) {
    for (const p of o.phases) {
      if (!p.helpTasks.length) continue;
      const shared = [...new Set([...o.expertise, ...p.expertise])].filter((t) => mine.has(t)).sort();
      offers.push({ ref: formatPhaseRef({ session: o.id, phase: p.phase }), tasks: p.helpTasks, shared });
    }
  }
  return {
    swarm: plan.swarm,
    session,
    name: promptName(plan, id),
    coordinationBranch: plan.coordinationBranch ?? 'main',
    dependents,
    supports: supportsOf(plan, id),
    offers,
    others: plan.sessions.filter((s) => s.id !== id).map((s) => s.id),
  };
}
