import type { Topology } from '../helpers/gitFixture';

/**
 * The red-team scenario format. A scenario (YAML, in scenarios/) builds a swarm in real git
 * and scripts, tick by tick, what each session does — honest through the CLI, hostile around
 * it — then says what the engine must detect or refuse, and by which tick. Any value written
 * `{ full: X, ci: Y }` takes X in the full run (npm run redteam) and Y in the CI run.
 */
export type Scale = 'full' | 'ci';

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** The attack or failure, in a sentence, for the report. */
  readonly threat?: string;
  readonly topology: Topology;
  /** Manifest text, with {{sessions}} expanded from `generate` and {{log}} the executor log. */
  readonly manifest: string;
  readonly generate?: {
    readonly count: number;
    readonly prefix?: string;
    readonly phaseCount?: number;
    readonly body?: string;
  };
  /** The session whose clone reads the view after each tick (fetched first). Default: the first. */
  readonly observer?: string;
  readonly ticks: readonly Tick[];
  readonly expect: Expectations;
}

export interface Tick {
  /** Seconds after T0 that S2_NOW pins for this tick (default: 30 × the tick's index). */
  readonly at?: number;
  readonly note?: string;
  readonly do: readonly Action[];
}

/** Who acts: one session, several, or '*' (every session of the swarm). */
export type Actors = string | readonly string[];

export interface ActionBase {
  readonly as?: Actors;
  /** Sessions left out of `as: '*'`. */
  readonly except?: readonly string[];
  /** Run the actors (and repeats) at once instead of one after the other. */
  readonly parallel?: boolean;
  readonly repeat?: number;
  /** ok (exit 0, the default), refused (exit 1), locked (LOCKED error), error (exit 2), any. */
  readonly expect?: 'ok' | 'refused' | 'locked' | 'error' | 'any';
  /** A regular expression the output (stdout + stderr) must match. */
  readonly match?: string;
  /** A name recorded as detected at this tick when the expectation holds (a refusal counts as a detection). */
  readonly detects?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** The expectation documents a known engine gap: reported, not failed. */
  readonly gap?: string;
}

export interface CliAction extends ActionBase {
  readonly cli: string | readonly string[];
}
export interface WorkAction extends ActionBase {
  readonly work: true | string;
  readonly content?: string;
}
export interface FetchAction extends ActionBase {
  readonly fetch: true;
}
export interface GitAction extends ActionBase {
  readonly git: readonly string[];
}
export interface WaitAction extends ActionBase {
  readonly wait: number;
}
export interface InstructionAction extends ActionBase {
  readonly instruction: { readonly phase: number };
}

export interface RogueSpec {
  /** Fields merged into the status, written around the guards. */
  readonly status?: Record<string, unknown>;
  /** An adoption of `target` (SESSION:PHASE) in the actor's status, dated now, around `s2 adopt`'s guard. */
  readonly adopt?: string;
  readonly completion?: {
    readonly phase: number;
    /** Complete another session's phase (an adopted one). */
    readonly forSession?: string;
    readonly commit?: 'unknown' | 'work' | string;
    readonly validations?: readonly Record<string, unknown>[];
  };
  readonly witness?: { readonly action: string; readonly detail: string };
  readonly help?: { readonly target: string; readonly task: string };
  /** Force-push `victim`'s records branch `back` commits back on the remote, optionally with a new commit on top. */
  readonly rewrite?: { readonly victim: string; readonly back: number; readonly addCommit?: boolean };
  /** A large generated blob committed to the actor's records branch at `path`. */
  readonly blob?: { readonly path: string; readonly mb: number };
  /**
   * Raw git on another branch (`victim`: a session, or `approvals/<id>`), one fast-forward
   * commit that nobody sealed: `set` a path to a gitlink, a missing blob, a missing tree or a
   * text; `remove` paths; `truncate` a file to its first `keep` lines; `restore` a file as it
   * was `back` commits ago (a replay). `set` also takes `files:N` (a folder of N files) and
   * `mb:N` (a blob of N MB). `seal`: sealed with the actor's key, for a rogue's own branch.
   */
  readonly plant?: {
    readonly victim: string;
    readonly seal?: boolean;
    readonly set?: Readonly<Record<string, string>>;
    readonly remove?: readonly string[];
    readonly truncate?: { readonly path: string; readonly keep: number };
    readonly restore?: { readonly path: string; readonly back: number };
  };
  /** Point `victim`'s records branch at an annotated tag of its tip, writing the ref file (git itself refuses). */
  readonly retarget?: { readonly victim: string };
  /** A verification record written with the actor's key, e.g. dated far in the future. */
  readonly verification?: {
    readonly target: string;
    readonly phase: number;
    readonly result: 'pass' | 'fail' | 'conflict';
    readonly at?: string;
  };
  /** An edit of the actor's clone-local state in .git/s2 by someone without the S2_HOME key. */
  readonly localState?: {
    readonly file: 'record-cache' | 'seen-tips' | 'slot-journal';
    /**
     * record-cache: add a completion of `phase` to every cached record set of `session`; seen-tips:
     * clear the rewrites; slot-journal: remove `session`'s agent-slot journal (the slots it counted).
     */
    readonly session?: string;
    readonly phase?: number;
  };
  /** Sign with this session's key instead of the actor's own. */
  readonly signer?: string;
  /** Write from this session's checkout (default: the actor's). */
  readonly via?: string;
}
export interface RogueAction extends ActionBase {
  readonly rogue: RogueSpec;
}

export interface HookSpec {
  readonly event?: string;
  readonly tool?: string;
  readonly count?: number;
  readonly concurrency?: number;
}
export interface HookAction extends ActionBase {
  readonly hook: HookSpec;
}

export interface LoopSpec {
  readonly interval?: number;
  readonly instructions?: readonly { readonly session: Actors; readonly phase: number }[];
  /** Stop once the executor has run this many times (the executor appends to {{log}}). */
  readonly untilRuns?: number;
  /** Stop once every listed session shows this state in its own loop's view. */
  readonly untilState?: Readonly<Record<string, string>>;
  /** Stop after this many ticks per loop. */
  readonly ticks?: number;
  /** Stop after this long (wall clock). */
  readonly durationMs?: number;
  /** Keep ticking this long after the stop condition holds: nothing may run again. */
  readonly settleMs?: number;
  readonly timeoutMs?: number;
  /** Point the actors' remote at a path that does not exist (every fetch fails). */
  readonly breakRemote?: boolean;
  readonly execute?: boolean;
}
export interface LoopAction extends ActionBase {
  readonly loop: LoopSpec;
}

/** Several `s2 poll` for the same session at once: one loop runs, the rest are refused LOCKED. */
export interface PollStormAction extends ActionBase {
  readonly pollStorm: { readonly attempts: number; readonly ticks: number; readonly interval?: number };
}

/** Every actor reads its view without fetching; views of one snapshot id must be identical. */
export interface CompareAction extends ActionBase {
  readonly compare: true;
}

/** Time one `s2 status` of the actor, kept as tally.ms.<label>. */
export interface TimeAction extends ActionBase {
  readonly time: string;
}

/** Assertions on the observer's view (session.<id>.<field>, blockers, …) or on the tally (tally.x.y). */
export interface CheckAction extends ActionBase {
  readonly check: Readonly<Record<string, unknown>>;
}

/** A commit on the coordination branch around every guard (trustActions.ts). */
export interface CoordCommitAction extends ActionBase {
  readonly coordCommit: {
    /** Text replacements in .s2/swarm.yaml, [from, to]; {{log}} expands in `to`. */
    readonly manifest?: readonly (readonly [string, string])[];
    /** Put `with`'s public key in place of `session`'s. */
    readonly swapKey?: { readonly session: string; readonly with: string };
    /** An instruction for another session, unsigned or signed with `signer`'s session key. */
    readonly instruction?: { readonly session: string; readonly phase: number; readonly signer?: string };
  };
}
/** Rewind the coordination branch this many commits (force-pushed in the remote topology). */
export interface CoordResetAction extends ActionBase {
  readonly coordReset: number;
}
/** A file (with {{log}} expanded) that must not exist: a marker a forbidden command would write. */
export interface AbsentFileAction extends ActionBase {
  readonly absentFile: string;
}

export type Action =
  | CoordCommitAction
  | CoordResetAction
  | AbsentFileAction
  | CliAction
  | WorkAction
  | FetchAction
  | GitAction
  | WaitAction
  | InstructionAction
  | RogueAction
  | HookAction
  | LoopAction
  | PollStormAction
  | CompareAction
  | TimeAction
  | CheckAction;

export interface Detection {
  /** A violation code of the view, or a name an action `detects`. */
  readonly code: string;
  readonly session?: string;
  readonly ref?: string;
  /** The tick (1-based) by which it must have appeared. */
  readonly by?: number;
  /** It must not appear before this tick (no false alarm before the fault is real). */
  readonly notBefore?: number;
  /** Must it be in the final view, exactly once? Default true for view codes. */
  readonly final?: boolean;
  /** How many times it must be in the final view (default 1). */
  readonly count?: number;
  /** A known engine gap: reported, not failed (see the report's findings). */
  readonly gap?: string;
}

export interface Expectations {
  readonly detect: readonly Detection[];
  /** Violation codes that must never appear in any tick's view. */
  readonly absent?: readonly string[];
  /** Sessions whose published branch was rewritten on purpose: only their local copy must keep every write. */
  readonly rewritten?: readonly string[];
  /** Violation codes that may legitimately break the record audit (e.g. CHAIN_BROKEN on purpose). */
  readonly auditExempt?: readonly string[];
  /** Violations known to be reported more than once (`CODE|session|ref`), with why: gaps, not failures. */
  readonly knownDuplicates?: Readonly<Record<string, string>>;
}
