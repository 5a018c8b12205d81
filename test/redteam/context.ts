import type { SwarmFixture } from '../helpers/gitFixture';
import type { Actors, Scale } from './types';

/** T0 of every scenario: S2_NOW = T0 + the tick's `at` seconds. The run's real start, since git stamps commits (the plan's age) with the real clock. */
export const T0 = Math.floor(Date.now() / 1000) * 1000;

/** What the actions of a scenario have done so far, for the checks and the audit. */
export interface Tally {
  /** Successful `s2 spend` runs per session: the ledger must hold exactly these. */
  spends: Record<string, number>;
  refusals: number;
  locked: number;
  hook: { allowed: number; denied: number; failedOpen: number };
  /** Executor runs per `session phase`, read from the executor log. */
  runs: Record<string, number>;
  fetches: Record<string, number>;
  ticks: Record<string, number>;
  ms: Record<string, number>;
  groups: number;
  identical: boolean;
  [key: string]: unknown;
}

export interface FailedExpectation {
  readonly tick: number;
  readonly what: string;
  readonly gap?: string;
}

export interface RunContext {
  readonly f: SwarmFixture;
  readonly scale: Scale;
  readonly log: string;
  readonly observer: string;
  tick: number;
  nowIso: string;
  readonly tally: Tally;
  /** First tick at which each detection key (`CODE`, `CODE:session`, `CODE:session:ref`) appeared. */
  readonly detected: Map<string, number>;
  /** Expectations of actions and checks that did not hold (gaps included, marked). */
  readonly failures: FailedExpectation[];
  readonly notes: string[];
  /** Local records-branch tips each session acknowledged, to prove afterwards that none was lost. */
  readonly acked: Map<string, Set<string>>;
}

export function newTally(): Tally {
  return {
    spends: {},
    refusals: 0,
    locked: 0,
    hook: { allowed: 0, denied: 0, failedOpen: 0 },
    runs: {},
    fetches: {},
    ticks: {},
    ms: {},
    groups: 0,
    identical: true,
  };
}

/** The sessions an action names: one, a list, or '*' minus `except`. */
export function actorsOf(ctx: RunContext, as: Actors | undefined, except: readonly string[] = []): string[] {
  const all = ctx.f.sessions;
  const list =
    as === undefined
      ? [ctx.observer]
      : as === '*'
        ? [...all]
        : typeof as === 'string'
          ? [as]
          : [...as].flatMap((a) => (a === '*' ? [...all] : [a]));
  for (const s of list)
    if (!all.includes(s)) throw new Error(`scenario names unknown session "${s}" (sessions: ${all.join(', ')})`);
  return list.filter((s) => !except.includes(s));
}

export function markDetected(ctx: RunContext, key: string): void {
  if (!ctx.detected.has(key)) ctx.detected.set(key, ctx.tick);
}

export function env(ctx: RunContext, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { S2_NOW: ctx.nowIso, ...extra };
}
