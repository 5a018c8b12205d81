/**
 * Assemble the v2 manifest from the facts of all files. Titles arrive in priority order (the
 * first for a phase wins); a budget is the highest-ranked statement (an allocation over a
 * starter's figure); a need is kept only when v2 would accept it (the session exists, the
 * phase is within its count, it is not its own phase). What is dropped or overruled is
 * returned with why, for the report.
 */
import { parsePhaseRef } from '../core/phaseRef';
import { sessionById } from './v1Sessions';
import type { BudgetFact, ExpertiseFact, HelpTaskFact, Located, ManifestInput, NeedFact, TitleFact } from './v1Types';

export interface PlanFacts {
  readonly swarm: string;
  readonly sessions: readonly string[];
  readonly phaseCounts: ReadonlyMap<string, number>;
  readonly sessionTitles: ReadonlyMap<string, string>;
  readonly titles: readonly TitleFact[];
  readonly needs: readonly NeedFact[];
  readonly helpTasks: readonly HelpTaskFact[];
  readonly budgets: readonly BudgetFact[];
  readonly expertise: readonly ExpertiseFact[];
  readonly branches: ReadonlyMap<string, string>;
}

export interface Overruled extends Located {
  readonly what: string;
  readonly why: string;
}

type PhaseInput = { title?: string; needs?: string[]; helpTasks?: string[] };

/** The manifest input (defaults left to the schema) and the facts that were not used, with why. */
export function buildManifest(p: PlanFacts): { manifest: ManifestInput; overruled: Overruled[] } {
  const overruled: Overruled[] = [];
  const sessions: ManifestInput['sessions'] = {};
  for (const id of p.sessions) {
    const count = p.phaseCounts.get(id) ?? 1;
    const phases: Record<string, PhaseInput> = {};
    const phase = (n: number): PhaseInput => (phases[String(n)] ??= {});
    for (const t of p.titles.filter((x) => x.session === id && x.title && x.phase >= 1 && x.phase <= count)) {
      if (phase(t.phase).title === undefined) phase(t.phase).title = t.title;
    }
    for (const n of p.needs.filter((x) => x.session === id)) {
      const why = needProblem(n, p);
      if (why) overruled.push({ what: `need ${id}:${n.phase} → ${n.on}`, why, source: n.source });
      else if (!phase(n.phase).needs?.includes(n.on)) (phase(n.phase).needs ??= []).push(n.on);
    }
    for (const h of p.helpTasks.filter((x) => x.session === id)) {
      if (h.phase < 1 || h.phase > count)
        overruled.push({ what: `help task for ${id}:${h.phase}`, why: `${id} has ${count} phases`, source: h.source });
      else if (!phase(h.phase).helpTasks?.includes(h.task)) (phase(h.phase).helpTasks ??= []).push(h.task);
    }
    const budget = chooseBudget(id, p.budgets, overruled);
    const expertise = [...new Set([id, ...p.expertise.filter((e) => e.session === id).flatMap((e) => e.tags)])];
    const branch = p.branches.get(id);
    sessions[id] = {
      title: p.sessionTitles.get(id) ?? sessionById(id)?.title ?? id,
      expertise,
      ...(budget !== undefined ? { budgetUsd: budget } : {}),
      ...(branch ? { branch } : {}),
      phaseCount: count,
      phases: Object.fromEntries(Object.entries(phases).sort((a, b) => Number(a[0]) - Number(b[0]))),
    };
  }
  return { manifest: { swarm: p.swarm, sessions }, overruled };
}

function needProblem(n: NeedFact, p: PlanFacts): string | undefined {
  const ref = parsePhaseRef(n.on);
  const count = p.phaseCounts.get(ref.session);
  if (ref.session === n.session) return 'a session cannot need its own phase';
  if (count === undefined) return `there is no session "${ref.session}"`;
  if (ref.phase > count) return `${ref.session} has ${count} phases`;
  if (n.phase < 1 || n.phase > (p.phaseCounts.get(n.session) ?? 0)) return `${n.session} has no phase ${n.phase}`;
  return undefined;
}

function chooseBudget(id: string, budgets: readonly BudgetFact[], overruled: Overruled[]): number | undefined {
  const mine = budgets.filter((b) => b.session === id);
  if (!mine.length) return undefined;
  const best = [...mine].sort((a, b) => b.rank - a.rank)[0]!;
  for (const b of mine) {
    if (b !== best && b.usd !== best.usd)
      overruled.push({
        what: `budget ${id} $${b.usd}`,
        why: `${b.rank < best.rank ? 'an allocation' : 'an earlier statement'} says $${best.usd} (${best.source})`,
        source: b.source,
      });
  }
  return best.usd;
}
