import type { SwarmPlan } from './manifest';
import type { Snapshot } from './snapshot';

/** Spend against budget, per session and for the swarm, counting approvals that raised caps. */
export interface BudgetStanding {
  readonly spendUsd: number;
  readonly capUsd: number;
  readonly fraction: number;
  readonly byModel: Readonly<Record<string, number>>;
  /** Spend the hook metered (or imported) from the runtime's own records, and spend reported by hand. */
  readonly meteredUsd: number;
  readonly reportedUsd: number;
}

/** Ledger sources that come from the runtime's records, not from the agent's word. */
export const METERED_SOURCES = new Set(['claude-hook', 'claude-log', 'claude-loop']);

/** Spend at or above this fraction of a budget warns (view, events, status bar, `s2 spend`); at 1 it refuses. */
export const BUDGET_WARN_FRACTION = 0.8;

function approvedUsd(snap: Snapshot, scope: string): number {
  return snap.approvals.filter((a) => a.scope === scope).reduce((sum, a) => sum + a.addUsd, 0);
}

// Budgets are asked for per session many times per view: index each plan's sessions once.
const sessionIndex = new WeakMap<SwarmPlan, Map<string, SwarmPlan['sessions'][number]>>();

export function sessionBudget(snap: Snapshot, session: string): BudgetStanding {
  let index = sessionIndex.get(snap.plan);
  if (!index) sessionIndex.set(snap.plan, (index = new Map(snap.plan.sessions.map((s) => [s.id, s]))));
  const plan = index.get(session);
  const ledger = snap.sessions[session]?.ledger ?? [];
  const byModel: Record<string, number> = {};
  let spend = 0;
  let metered = 0;
  for (const e of ledger) {
    // Spend only grows: a negative entry (never written by s2 spend) would let a session
    // un-spend its way past BUDGET_EXCEEDED, so it counts as nothing.
    const usd = Math.max(0, e.usd);
    spend += usd;
    if (METERED_SOURCES.has(e.source)) metered += usd;
    byModel[e.model] = round2((byModel[e.model] ?? 0) + usd);
  }
  const cap = (plan?.budgetUsd ?? 0) + approvedUsd(snap, session);
  return standing(spend, metered, cap, byModel);
}

/** A session's or the swarm's standing from its sums; a spend against no cap is over it. */
function standing(spend: number, metered: number, cap: number, byModel: Record<string, number>): BudgetStanding {
  return {
    meteredUsd: round2(metered),
    reportedUsd: round2(spend - metered),
    spendUsd: round2(spend),
    capUsd: round2(cap),
    fraction: cap > 0 ? spend / cap : spend > 0 ? Infinity : 0,
    byModel,
  };
}

export function swarmBudget(snap: Snapshot, plan: SwarmPlan): BudgetStanding | null {
  if (plan.swarmBudgetUsd === undefined) return null;
  const byModel: Record<string, number> = {};
  let spend = 0;
  let metered = 0;
  for (const s of plan.sessions) {
    const b = sessionBudget(snap, s.id);
    spend += b.spendUsd;
    metered += b.meteredUsd;
    for (const [m, v] of Object.entries(b.byModel)) byModel[m] = round2((byModel[m] ?? 0) + v);
  }
  const cap = plan.swarmBudgetUsd + approvedUsd(snap, '*');
  return standing(spend, metered, cap, byModel);
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
