import type { Completion } from './swarmRecords';
import type { RunResult } from './swarmRun';
import { FAULTS, needsFor, SESSIONS } from './swarmPlan';

/**
 * What one run measured, computed from the records the sessions wrote (start-phase and help
 * in the witness logs, completions, verifications, acks, the ledger) and, for what records
 * cannot say (a step of work, a kill), the agents' own event log. Times are real
 * milliseconds since the run started; `model` converts them with the run's scale.
 */
export interface PhaseBar {
  readonly ref: string;
  readonly session: string;
  readonly start: number;
  readonly end: number;
  readonly completedBy: string;
}
export interface Span {
  readonly session: string;
  readonly from: number;
  readonly to: number;
  readonly kind: 'blocked' | 'help' | 'down';
  readonly label: string;
}
export interface HelpClaimSpan extends Span {
  readonly productive: boolean;
  readonly released: boolean;
}

export interface RunMetrics {
  readonly mode: string;
  readonly seed: number;
  readonly scale: number;
  readonly finished: boolean;
  readonly incomplete: readonly string[];
  readonly makespanS: number;
  readonly makespanModelMin: number;
  readonly criticalPath: readonly string[];
  readonly blockedS: Readonly<Record<string, number>>;
  readonly blockedTotalS: number;
  /** Ready (previous phase done, needs satisfied) but not started: loop latency, a budget stop, a dead session. */
  readonly waitingTotalS: number;
  readonly help: { readonly taken: number; readonly productive: number; readonly expired: number };
  readonly duplicates: number;
  readonly instructions: {
    readonly acked: number;
    readonly twice: number;
    readonly executorRuns: number;
    readonly retries: number;
  };
  readonly spendUsd: number;
  readonly approvals: number;
  readonly budget: { readonly session: string; readonly spentUsd: number; readonly nominalUsd: number };
  readonly violations: Readonly<Record<string, number>>;
  readonly finalErrors: number;
  readonly recordsLost: number;
  readonly lostDetail: readonly string[];
  /** Phases whose state a read through the record cache got wrong (a fresh read is the truth). */
  readonly cacheDisagrees: readonly string[];
  /** Model seconds of agent work thrown away (a silent session's adopted work, a killed step, help that helped nobody). */
  readonly wasteModelS: number;
  readonly wasteShare: number;
  /** Share of session-time spent blocked or waiting. */
  readonly idleShare: number;
  readonly storm: {
    readonly spawns: number;
    readonly allowed: number;
    readonly denied: number;
    readonly hook: boolean;
  };
  readonly badCompletion: string;
  readonly bars: readonly PhaseBar[];
  readonly spans: readonly Span[];
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

export function computeMetrics(r: RunResult): RunMetrics {
  const { records, settings } = r;
  const rel = (t: number): number => t - r.t0;
  const sec = (ms: number): number => ms / 1000;
  const v1 = settings.mode === 'v1';
  const needs = needsFor(settings.phases);
  const completion = new Map<string, Completion>();
  for (const c of records.completions) {
    const ref = `${c.forSession}:${c.phase}`;
    const had = completion.get(ref);
    if (!had || c.at < had.at) completion.set(ref, c);
  }
  const end = (ref: string): number => {
    const c = completion.get(ref);
    return c ? rel(c.at) : NaN;
  };
  const satisfiedAt = (ref: string): number => {
    const c = completion.get(ref);
    if (!c) return NaN;
    if (v1) return rel(c.at);
    const passes = records.verifications
      .filter(
        (v) =>
          `${v.target}:${v.phase}` === ref &&
          v.result === 'pass' &&
          v.completionCommit === c.commit &&
          v.verifier !== c.session,
      )
      .map((v) => rel(v.at));
    return passes.length ? Math.max(rel(c.at), Math.min(...passes)) : NaN;
  };
  const startOf = new Map<string, number>();
  for (const w of records.witness)
    if (w.action === 'start-phase') {
      const ref = `${w.session}:${Number.parseInt(w.detail, 10)}`;
      if (!startOf.has(ref)) startOf.set(ref, rel(w.at));
    }
  const bars: PhaseBar[] = [];
  const spans: Span[] = [];
  const blockedS: Record<string, number> = {};
  let waiting = 0;
  for (const s of SESSIONS) {
    blockedS[s] = 0;
    for (let n = 1; n <= settings.phases; n++) {
      const ref = `${s}:${n}`;
      const prevEnd = n === 1 ? 0 : end(`${s}:${n - 1}`);
      const needSat = Math.max(0, ...(needs[ref] ?? []).map(satisfiedAt));
      const start = startOf.get(ref) ?? NaN;
      if (Number.isFinite(needSat) && needSat > prevEnd) {
        blockedS[s] += sec(needSat - prevEnd);
        spans.push({
          session: s,
          from: prevEnd,
          to: needSat,
          kind: 'blocked',
          label: `${ref} waits on ${needs[ref]!.join(', ')}`,
        });
      }
      const ready = Math.max(prevEnd, needSat);
      if (Number.isFinite(start) && start > ready) waiting += sec(start - ready);
      const c = completion.get(ref);
      if (Number.isFinite(start) && c) bars.push({ ref, session: s, start, end: rel(c.at), completedBy: c.session });
    }
  }
  const criticalPath = walkCriticalPath(settings.phases, needs, end, satisfiedAt);
  const makespan = Math.max(0, ...[...completion.values()].map((c) => rel(c.at)));

  // Help claims, from the helpers' witness logs.
  const helpSpans: HelpClaimSpan[] = [];
  for (const s of SESSIONS) {
    const ws = records.witness.filter((w) => w.session === s && (w.action === 'help' || w.action === 'help-release'));
    ws.forEach((w, i) => {
      if (w.action !== 'help') return;
      const ref = w.detail.split(':').slice(0, 2).join(':');
      const next = ws[i + 1];
      const to = next ? rel(next.at) : rel(r.t1);
      const from = rel(w.at);
      const productive = r.events.some(
        (e) =>
          e.kind === 'work-step' &&
          e['ref'] === ref &&
          Number(e['helpers']) > 0 &&
          rel(e.t) >= from &&
          rel(e.t) <= to + 2000,
      );
      helpSpans.push({
        session: s,
        from,
        to,
        kind: 'help',
        label: `helps ${ref}`,
        productive,
        released: next?.action === 'help-release',
      });
    });
  }
  spans.push(...helpSpans);
  for (const i of r.interventions) {
    const m = /^killed (\S+)|^(\S+) went silent/.exec(i.what);
    const who = m?.[1] ?? m?.[2];
    if (!who) continue;
    const back = r.interventions.find(
      (j) => j.t > i.t && (j.what === `restarted ${who}` || j.what.startsWith(`${who} is back`)),
    );
    spans.push({ session: who, from: rel(i.t), to: rel(back?.t ?? r.t1), kind: 'down', label: i.what });
  }

  // Instructions: each acknowledged once (from the acks), executor runs and retries (from the agents).
  const acksPer = new Map<string, number>();
  for (const a of records.acks)
    if (a.outcome === 'started') acksPer.set(a.instruction, (acksPer.get(a.instruction) ?? 0) + 1);
  const runs = r.events.filter((e) => e.kind === 'work-start');

  // Records lost: every write an s2 command reported done must be in the records.
  const lost: string[] = [];
  for (const e of r.events) {
    if (e.kind === 'complete' && e['code'] === 0 && !completion.has(String(e['ref'])))
      lost.push(`completion ${e['ref']}`);
    if (e.kind === 'adopted-complete' && e['code'] === 0 && !completion.has(String(e['ref'])))
      lost.push(`adopted completion ${e['ref']}`);
    if (e.kind === 'work-start' && !acksPer.has(`${String(e['ref']).replace(':', '-p')}`))
      lost.push(`ack of ${e['ref']}`);
  }
  for (const s of SESSIONS) {
    const said = r.events.filter((e) => e.session === s && e.kind === 'spend' && e['code'] === 0).length;
    const have = records.ledger.filter((l) => l.session === s).length;
    if (have < said) lost.push(`${said - have} ledger line(s) of ${s}`);
  }
  const verifyEvents = r.events.filter(
    (e) => e.kind === 'verify' && ['pass', 'fail', 'conflict'].includes(String(e['result'])),
  );
  for (const e of verifyEvents) {
    const [t, p] = String(e['ref']).split(':');
    const n = records.verifications.filter(
      (v) => v.verifier === e.session && v.target === t && v.phase === Number(p),
    ).length;
    const said = verifyEvents.filter((x) => x.session === e.session && x['ref'] === e['ref']).length;
    if (n < said) lost.push(`verification of ${e['ref']} by ${e.session}`);
  }

  // Waste: work done and thrown away.
  const scaleMs = settings.scale * 1000;
  const silent = r.interventions.find((i) => / went silent /.test(i.what));
  const silentRef = silent ? /mid-phase (\S+)/.exec(silent.what)?.[1] : undefined;
  const adoptedAway =
    silentRef && completion.get(silentRef) && completion.get(silentRef)!.session !== silentRef.split(':')[0];
  const silentWork = adoptedAway
    ? sum(
        r.events
          .filter((e) => e.kind === 'work-step' && e.session === silentRef!.split(':')[0] && e['ref'] === silentRef)
          .map((e) => Number(e['chunk'])),
      )
    : 0;
  const kill = r.interventions.find((i) => i.what.startsWith('killed '));
  let killLost = 0;
  if (kill) {
    const ref = /mid-phase (\S+)/.exec(kill.what)?.[1];
    const before = r.events.filter(
      (e) => e['ref'] === ref && (e.kind === 'work-step' || e.kind === 'work-start') && e.t <= kill.t,
    );
    if (before.length) killLost = (kill.t - before[before.length - 1]!.t) / scaleMs;
  }
  const unproductiveHelp = sum(helpSpans.filter((h) => !h.productive).map((h) => (h.to - h.from) / scaleMs));
  const wasteModelS = silentWork + killLost + unproductiveHelp;
  const spendUsd = sum(records.ledger.map((l) => l.usd));
  const agentSeconds = spendUsd / settings.usdPerSecond;
  const blockedTotalS = sum(Object.values(blockedS));
  const storm = r.events.find((e) => e.kind === 'storm');
  const bad = r.settings.phases >= FAULTS.badCompletion.phase ? badCompletionOutcome(r) : 'not in this run';
  const budgetSession = FAULTS.budget.session;
  return {
    mode: settings.mode,
    seed: settings.seed,
    scale: settings.scale,
    finished: r.finished && r.incompletePhases.length === 0,
    incomplete: r.incompletePhases,
    makespanS: sec(makespan),
    makespanModelMin: makespan / scaleMs / 60,
    criticalPath,
    blockedS,
    blockedTotalS,
    waitingTotalS: waiting,
    help: {
      taken: helpSpans.length,
      productive: helpSpans.filter((h) => h.productive).length,
      expired: helpSpans.filter((h) => !h.released).length + (r.violationsSeen['HELPER_NO_PROGRESS'] ?? 0),
    },
    duplicates: r.duplicates,
    instructions: {
      acked: acksPer.size,
      twice: [...acksPer.values()].filter((n) => n > 1).length,
      executorRuns: runs.length,
      retries: runs.length - new Set(runs.map((e) => e['ref'])).size,
    },
    spendUsd,
    approvals: records.approvals,
    budget: {
      session: budgetSession,
      spentUsd: sum(records.ledger.filter((l) => l.session === budgetSession).map((l) => l.usd)),
      nominalUsd: FAULTS.budget.budgetUsd,
    },
    violations: r.violationsSeen,
    finalErrors: r.finalViolations.filter((v) => v.severity === 'error').length,
    recordsLost: lost.length,
    lostDetail: lost,
    cacheDisagrees: r.cacheDisagrees ?? [],
    wasteModelS,
    wasteShare: agentSeconds > 0 ? wasteModelS / agentSeconds : 0,
    idleShare: makespan > 0 ? (blockedTotalS + waiting) / (SESSIONS.length * sec(makespan)) : 0,
    storm: {
      spawns: Number(storm?.['spawns'] ?? 0),
      allowed: Number(storm?.['allowed'] ?? 0),
      denied: Number(storm?.['denied'] ?? 0),
      hook: storm?.['hook'] === true,
    },
    badCompletion: bad,
    bars,
    spans,
  };
}

function badCompletionOutcome(r: RunResult): string {
  const ref = `${FAULTS.badCompletion.session}:${FAULTS.badCompletion.phase}`;
  const vs = r.records.verifications.filter((v) => `${v.target}:${v.phase}` === ref).sort((a, b) => a.at - b.at);
  if (!vs.length) return 'consumed unverified (nobody checked it)';
  const failed = vs.filter((v) => v.result !== 'pass').length;
  const passed = vs.some((v) => v.result === 'pass');
  return failed
    ? `caught: ${failed} failed verification(s), then ${passed ? 'the consumer adapted and it passed' : 'still disputed'}`
    : 'passed verification (the fault did not bite)';
}

/** Walk back from the last completion: each phase's predecessor is whatever it waited on last. */
function walkCriticalPath(
  phases: number,
  needs: Record<string, readonly string[]>,
  end: (ref: string) => number,
  satisfiedAt: (ref: string) => number,
): string[] {
  let last = '';
  for (const s of SESSIONS)
    for (let n = 1; n <= phases; n++) {
      const ref = `${s}:${n}`;
      if (!last || end(ref) > end(last)) last = ref;
    }
  const path: string[] = [];
  let cur: string | null = last;
  while (cur && path.length < 200) {
    path.push(cur);
    const [s, p]: string[] = cur.split(':');
    const n: number = Number(p);
    const prev: string | null = n > 1 ? `${s}:${n - 1}` : null;
    let best: string | null = prev;
    let bestAt = prev ? end(prev) : 0;
    for (const need of needs[cur] ?? []) {
      const at = satisfiedAt(need);
      if (at > bestAt) {
        best = need;
        bestAt = at;
      }
    }
    cur = best;
  }
  return path.reverse();
}
