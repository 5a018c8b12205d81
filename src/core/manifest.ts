/**
 * The swarm manifest, `.s2/swarm.yaml` on the coordination branch. The zod schema is the
 * type; `normalizeManifest` turns it into a SwarmPlan with every default filled in and every
 * cross-reference checked, so nothing downstream re-validates.
 */
import { z } from 'zod';
import { isSafeName, SAFE_NAME_RULE } from './names';
import { S2Error } from './errors';
import { formatPhaseRef, isPhaseRef, parsePhaseRef, PhaseRef } from './phaseRef';
import { knownKeysAt, nearestKey } from './schemaKeys';
import { parseYaml, YamlLimits } from './yamlText';

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const commandList = z.array(z.string().min(1)).default([]);

export const PhaseSpec = z
  .object({
    title: z.string().optional(),
    needs: z.array(z.string().refine(isPhaseRef, { message: 'a need is SESSION:PHASE, e.g. sip:4' })).default([]),
    validate: commandList,
    expertise: z.array(z.string()).default([]),
    helpTasks: z.array(z.string()).default([]),
    timeoutSeconds: z.number().positive().optional(),
    /** Sessions this phase supports (v1's matrix, from s2 import v1): shown in prompts, no guard reads it. */
    supports: z.array(z.string()).optional(),
  })
  .strict();
export type PhaseSpec = z.infer<typeof PhaseSpec>;

/** The agent runtimes whose hooks S² speaks (see docs/RUNTIMES.md for the versions targeted). */
export const AGENT_RUNTIMES = ['claude', 'codex', 'gemini'] as const;
export type AgentRuntime = (typeof AGENT_RUNTIMES)[number];

/** The command that starts each runtime's interactive agent when the manifest names none. */
export const DEFAULT_AGENT_COMMAND: Readonly<Record<AgentRuntime, string>> = {
  claude: 'claude',
  codex: 'codex',
  gemini: 'gemini',
};

/** Which agent runs a session and how it is started: per session, else swarm-wide, else Claude Code. */
export const AgentSpec = z
  .object({
    runtime: z.enum(AGENT_RUNTIMES).optional(),
    command: z.string().min(1).optional(),
  })
  .strict();
export type AgentSpec = z.infer<typeof AgentSpec>;

export const SessionSpec = z
  .object({
    title: z.string().default(''),
    expertise: z.array(z.string()).default([]),
    budgetUsd: z.number().nonnegative().default(20),
    maxAgents: z.number().int().positive().default(7),
    branch: z.string().min(1).optional(),
    publicKey: z.string().optional(),
    /** Absent: the highest phase listed under `phases`, else 10. */
    phaseCount: z.number().int().positive().max(1000).optional(),
    /**
     * Phases 1..baselinePhase count as complete on the manifest's authority: history from
     * before S² (an imported v1 swarm), where no signed completion can exist. Shown as such.
     */
    baselinePhase: z.number().int().nonnegative().default(0),
    /** A coordinator session may sign other sessions' phase instructions (docs/TRUST.md). */
    coordinator: z.boolean().default(false),
    phases: z.record(z.string(), PhaseSpec.nullable()).default({}),
    integrate: commandList,
    agent: AgentSpec.optional(),
    /** How the session's prompt file is named (s2 import v1 keeps v1's names); default SESSION-<ID>. */
    promptName: z.string().min(1).optional(),
  })
  .strict();
export type SessionSpec = z.infer<typeof SessionSpec>;

export const PollingSpec = z
  .object({
    intervalSeconds: z.number().positive().default(30),
    heartbeatSeconds: z.number().positive().default(60),
    jitter: z.number().min(0).max(1).default(0.2),
    helpLeaseSeconds: z.number().positive().default(900),
    maxHelpersPerBlocker: z.number().int().positive().default(2),
    maxAttempts: z.number().int().positive().default(3),
    commandTimeoutSeconds: z.number().positive().default(600),
    probeSeconds: z.number().positive().default(5),
    /** The slowest pace of the remote probe after a quiet spell (the adaptive back-off's cap). */
    probeMaxSeconds: z.number().positive().default(60),
    /** A session awaiting a person's input longer than this counts as stuck for the blocker engine. */
    awaitingInputStuckSeconds: z.number().positive().default(900),
  })
  .strict()
  .default({});

export const ModelPrice = z
  .object({
    inputPerMTok: z.number().nonnegative(),
    outputPerMTok: z.number().nonnegative(),
    cacheReadPerMTok: z.number().nonnegative().default(0),
    cacheWritePerMTok: z.number().nonnegative().default(0),
    /** 1-hour cache writes (Claude Code's transcripts split cache writes by TTL); absent: the 5-minute price. */
    cacheWrite1hPerMTok: z.number().nonnegative().optional(),
  })
  .strict();
export type ModelPrice = z.infer<typeof ModelPrice>;

export const Manifest = z
  .object({
    swarm: z.string().min(1).refine(isSafeName, `a swarm name is ${SAFE_NAME_RULE}`),
    coordinationBranch: z.string().min(1).optional(),
    policy: z
      .object({ crossSessionVerification: z.enum(['required', 'advisory']).default('required') })
      .strict()
      .default({}),
    polling: PollingSpec,
    budget: z.object({ swarmUsd: z.number().nonnegative().optional() }).strict().default({}),
    pricing: z.record(z.string(), ModelPrice).default({}),
    approvers: z
      .record(
        z.string().refine(isSafeName, `an approver id is ${SAFE_NAME_RULE}`),
        z.object({ title: z.string().optional(), publicKey: z.string().optional() }).strict(),
      )
      .default({}),
    executor: z.string().optional(),
    integrate: commandList,
    agent: AgentSpec.optional(),
    sessions: z.record(
      z
        .string()
        .regex(SESSION_ID, 'a session id is letters, digits, _ . -')
        .refine(isSafeName, `a session id is ${SAFE_NAME_RULE}`),
      SessionSpec,
    ),
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;

export interface PhasePlan {
  readonly phase: number;
  readonly title: string;
  readonly needs: readonly PhaseRef[];
  readonly validate: readonly string[];
  readonly expertise: readonly string[];
  readonly helpTasks: readonly string[];
  readonly timeoutSeconds: number;
}

export interface SessionPlan {
  readonly id: string;
  readonly title: string;
  readonly expertise: readonly string[];
  readonly budgetUsd: number;
  readonly maxAgents: number;
  readonly branch: string;
  readonly publicKey: string | undefined;
  readonly phaseCount: number;
  readonly baselinePhase: number;
  readonly coordinator: boolean;
  readonly integrate: readonly string[];
  /** The runtime and the command that starts the session's agent (defaults filled in). */
  readonly agent: { readonly runtime: AgentRuntime; readonly command: string };
  /** phases[0] is phase 1. */
  readonly phases: readonly PhasePlan[];
}

export interface SwarmPlan {
  readonly swarm: string;
  readonly coordinationBranch: string | undefined;
  readonly verification: 'required' | 'advisory';
  readonly polling: z.infer<typeof PollingSpec>;
  readonly swarmBudgetUsd: number | undefined;
  readonly pricing: Readonly<Record<string, ModelPrice>>;
  readonly approvers: Readonly<Record<string, { publicKey?: string | undefined }>>;
  readonly executor: string | undefined;
  readonly integrate: readonly string[];
  readonly sessions: readonly SessionPlan[];
  readonly raw: Manifest;
}

export const MANIFEST_PATH = '.s2/swarm.yaml';

/**
 * The manifest's own cap, above the general YAML one: a session with its key and needs takes
 * about 20 lines, so 1000 sessions pass 20,000. Parsing is linear (yamlText.ts), and this
 * bounds a 10,000-session swarm's manifest; past it the text is refused before parsing.
 */
export const MANIFEST_LIMITS: YamlLimits = { maxBytes: 8 << 20, maxEntries: 250_000 };

/** Parse and normalize manifest text; errors name the file and the line. */
export function parseManifest(text: string, file = MANIFEST_PATH): SwarmPlan {
  const { value, lineOf } = parseYaml(text, file, MANIFEST_LIMITS);
  const parsed = Manifest.safeParse(value);
  if (!parsed.success) {
    const lines = parsed.error.issues.flatMap((i) => {
      if (i.code === 'unrecognized_keys') return i.keys.map((k) => unknownKeyLine(file, lineOf, i.path, k));
      const line = lineOf(i.path);
      return [`${file}${line ? `:${line}` : ''}: ${i.path.join('.') || '(top)'}: ${i.message}`];
    });
    throw new S2Error('MANIFEST_INVALID', `invalid manifest\n${lines.join('\n')}`, { file, issues: lines });
  }
  return normalizeManifest(parsed.data, file, lineOf);
}

/** An unknown key is an error, never ignored: a typo like `valdiate` would otherwise switch a check off. */
function unknownKeyLine(
  file: string,
  lineOf: (p: (string | number)[]) => number | undefined,
  at: (string | number)[],
  key: string,
): string {
  const line = lineOf([...at, key]) ?? lineOf(at);
  const known = knownKeysAt(Manifest, at);
  const near = nearestKey(key, known);
  const where = at.length ? at.join('.') : '(top)';
  return `${file}${line ? `:${line}` : ''}: ${where}: unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}; known keys here: ${known.join(', ')}`;
}

/** Phases 1..n: the manifest's phaseCount, else the highest phase it lists, else 10. */
export function phaseCountOf(s: SessionSpec): number {
  if (s.phaseCount !== undefined) return s.phaseCount;
  const listed = Object.keys(s.phases)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 1);
  return listed.length ? Math.max(...listed) : 10;
}

export function normalizeManifest(
  m: Manifest,
  file = MANIFEST_PATH,
  lineOf: (p: (string | number)[]) => number | undefined = () => undefined,
): SwarmPlan {
  const problems: string[] = [];
  const at = (path: (string | number)[], msg: string): void => {
    const line = lineOf(path);
    problems.push(`${file}${line ? `:${line}` : ''}: ${path.join('.')}: ${msg}`);
  };
  const ids = Object.keys(m.sessions);
  if (ids.length === 0) at(['sessions'], 'the swarm has no sessions');
  const counts = new Map(ids.map((id) => [id, phaseCountOf(m.sessions[id]!)]));
  const sessions: SessionPlan[] = ids.map((id) => {
    const s = m.sessions[id]!;
    const phaseCount = counts.get(id)!;
    for (const key of Object.keys(s.phases)) {
      const n = Number(key);
      if (!Number.isInteger(n) || n < 1 || n > phaseCount)
        at(['sessions', id, 'phases', key], `phase ${key} is outside 1..${phaseCount}`);
    }
    const phases: PhasePlan[] = [];
    for (let n = 1; n <= phaseCount; n++) {
      const spec = s.phases[String(n)] ?? null;
      const needs = (spec?.needs ?? []).map(parsePhaseRef);
      needs.forEach((ref, i) => {
        const path = ['sessions', id, 'phases', String(n), 'needs', i];
        const count = counts.get(ref.session);
        if (count === undefined) at(path, `needs ${formatPhaseRef(ref)}, but there is no session "${ref.session}"`);
        else if (ref.phase > count) at(path, `needs ${formatPhaseRef(ref)}, but ${ref.session} has ${count} phases`);
        else if (ref.session === id && ref.phase >= n)
          at(path, `phase ${n} cannot need its own later phase ${ref.phase}`);
      });
      phases.push({
        phase: n,
        title: spec?.title ?? `Phase ${n}`,
        needs: needs.filter((r) => r.session !== id),
        validate: spec?.validate ?? [],
        expertise: spec?.expertise ?? [],
        helpTasks: spec?.helpTasks ?? [],
        timeoutSeconds: spec?.timeoutSeconds ?? m.polling.commandTimeoutSeconds,
      });
    }
    return {
      id,
      title: s.title || id,
      expertise: s.expertise,
      budgetUsd: s.budgetUsd,
      maxAgents: s.maxAgents,
      branch: s.branch ?? `s2/work/${id}`,
      publicKey: s.publicKey,
      phaseCount,
      baselinePhase: Math.min(s.baselinePhase, phaseCount),
      coordinator: s.coordinator,
      integrate: s.integrate,
      agent: resolveAgent(s.agent, m.agent),
      phases,
    };
  });
  if (problems.length)
    throw new S2Error('MANIFEST_INVALID', `invalid manifest\n${problems.join('\n')}`, { file, issues: problems });
  return {
    swarm: m.swarm,
    coordinationBranch: m.coordinationBranch,
    verification: m.policy.crossSessionVerification,
    polling: m.polling,
    swarmBudgetUsd: m.budget.swarmUsd,
    pricing: m.pricing,
    approvers: m.approvers,
    executor: m.executor,
    integrate: m.integrate,
    sessions,
    raw: m,
  };
}

function resolveAgent(
  own: AgentSpec | undefined,
  swarm: AgentSpec | undefined,
): { runtime: AgentRuntime; command: string } {
  const runtime = own?.runtime ?? swarm?.runtime ?? 'claude';
  // A swarm-wide command belongs to the swarm-wide runtime; a session that changes runtime
  // without naming a command gets that runtime's default, not another runtime's command.
  const swarmCommand = (swarm?.runtime ?? 'claude') === runtime ? swarm?.command : undefined;
  return { runtime, command: own?.command ?? swarmCommand ?? DEFAULT_AGENT_COMMAND[runtime] };
}

/** Sessions by id, built once per plan (plans are immutable): lookups in the view stay O(1) at 1000 sessions. */
const sessionsById = new WeakMap<SwarmPlan, ReadonlyMap<string, SessionPlan>>();

export function sessionPlan(plan: SwarmPlan, id: string): SessionPlan | undefined {
  let byId = sessionsById.get(plan);
  if (!byId) {
    byId = new Map(plan.sessions.map((s) => [s.id, s]));
    sessionsById.set(plan, byId);
  }
  return byId.get(id);
}

export function phasePlan(plan: SwarmPlan, ref: PhaseRef): PhasePlan | undefined {
  return sessionPlan(plan, ref.session)?.phases[ref.phase - 1];
}
