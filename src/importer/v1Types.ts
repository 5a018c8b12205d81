/**
 * The facts the v1 parsers extract and the shape of the import result. Every fact carries
 * `source` (`path:line`) so a person can check it against the v1 file it came from.
 */
import type { z } from 'zod';
import type { Manifest } from '../core/manifest';
import type { SessionState } from '../core/records';

export interface V1InputFile {
  /** Relative to the root of the v1 material, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export interface Located {
  /** `path:line` of the v1 line the fact came from. */
  readonly source: string;
}

/** `session`'s phase `phase` cannot start before `on` (`sip:4`) is complete. */
export interface NeedFact extends Located {
  readonly session: string;
  readonly phase: number;
  readonly on: string;
}

/** A task helpers can take on `session`'s phase `phase` (v2 `helpTasks`). */
export interface HelpTaskFact extends Located {
  readonly session: string;
  readonly phase: number;
  readonly task: string;
}

/** What `session` was told to do while idle or blocked in `phase`, helping nobody in particular. */
export interface IdleTaskFact extends Located {
  readonly session: string;
  readonly phase: number;
  readonly task: string;
}

/** `session` supports `supports` during `phase` (v1 "SUPPORT 1,2,3,4"); not a dependency. */
export interface SupportFact extends Located {
  readonly session: string;
  readonly phase: number;
  readonly supports: readonly string[];
}

export interface TitleFact extends Located {
  readonly session: string;
  readonly phase: number;
  readonly title: string;
}

export interface BudgetFact extends Located {
  readonly session: string;
  readonly usd: number;
  /** 2: an allocation ("$40 allocated", `budget_allocated`); 1: a session starter's `Budget:`. */
  readonly rank: number;
}

export interface ExpertiseFact extends Located {
  readonly session: string;
  readonly tags: readonly string[];
}

/**
 * A statement that `session` had completed phases 1..`through`: a status ("phase_2_complete",
 * "Phases 4-6 ready", or working on phase N: through N-1) or the header of an instruction the
 * orchestrator wrote for the session ("**Status:** Phase 3 Complete ✅").
 */
export interface CompletedFact extends Located {
  readonly session: string;
  readonly through: number;
  /** The words as written. */
  readonly text: string;
  readonly by: 'status' | 'instruction';
}

/** One status report of one session, before the newest is chosen. */
export interface StateCandidate extends Located {
  readonly session: string;
  /** The v1 status words as written. */
  readonly v1Status: string;
  readonly kind: 'finished' | SessionState;
  /** The phase the report names, if any; 0 is v1's shared Phase 0 task pool. */
  readonly phase?: number;
  /** The phases the report says are complete. */
  readonly completed?: readonly [number, number];
  readonly updatedAt?: string;
  readonly dateOnly: boolean;
  readonly blockedOn: readonly string[];
  readonly branch?: string;
}

/** A session's last known state, as the v1 files tell it. */
export interface V1State extends Located {
  readonly session: string;
  readonly phase: number;
  readonly state: SessionState;
  /** ISO 8601, from the status file's own timestamp (self-reported). */
  readonly updatedAt: string;
  readonly blockedOn: readonly string[];
  readonly v1Status: string;
  readonly notes: readonly string[];
  /** Phases 1..baselinePhase complete before S² (the manifest's `baselinePhase`); `phase` is the next one. */
  readonly baselinePhase: number;
  /** What v1's last report said, before it was aligned with the baseline. */
  readonly v1: { readonly state: SessionState; readonly phase: number; readonly blockedOn: readonly string[] };
}

/** How a session's baseline (phases complete before S²) was decided. */
export interface BaselineFact {
  readonly session: string;
  readonly baselinePhase: number;
  /** The highest completion v1 claimed, and where; null when v1 claimed none. */
  readonly claimed: CompletedFact | null;
  /** Why the baseline is lower than the claim, if it is. */
  readonly capped: string | null;
}

export interface ImportedInstruction {
  readonly session: string;
  readonly phase: number;
  /** Where v2 keeps it: `.s2/instructions/<session>/phase-<n>.md`. */
  readonly path: string;
  /** The v1 file it came from. */
  readonly source: string;
  /** Markdown with YAML front matter (`id`, `session`, `phase`, `source`, …). */
  readonly text: string;
}

export interface MappedFile {
  readonly path: string;
  readonly kind: string;
  /** What the file became, one line per fact group. */
  readonly to: readonly string[];
  readonly notes: readonly string[];
}

export interface UnmappedFile {
  readonly path: string;
  readonly kind: string;
  readonly reason: string;
  readonly lines: readonly number[];
}

export type ManifestInput = z.input<typeof Manifest>;

export interface SessionMapping {
  readonly id: string;
  readonly v1: string;
  readonly number: number;
}

export interface ImportV1Result {
  readonly manifest: ManifestInput;
  readonly states: readonly V1State[];
  readonly instructions: readonly ImportedInstruction[];
  readonly supports: readonly SupportFact[];
  readonly idleTasks: readonly IdleTaskFact[];
  readonly baselines: readonly BaselineFact[];
  readonly sessions: readonly SessionMapping[];
  readonly report: { readonly mapped: readonly MappedFile[]; readonly unmapped: readonly UnmappedFile[] };
}
