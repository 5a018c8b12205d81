/**
 * docs/MANIFEST.md, generated from the zod schema of the manifest: every key with its type,
 * default and meaning. The keys, types and defaults come from the schema itself; the meanings
 * from MEANING below. A test fails when the committed file differs from this rendering, or
 * when a key of the schema has no meaning here (npm run docs:manifest regenerates the file).
 */
import { z } from 'zod';
import { Manifest } from './manifest';
import { schemaChildren, unwrapSchema } from './schemaKeys';

const MEANING: Record<string, string> = {
  swarm: "The swarm's name; private keys live under $S2_HOME/keys/<swarm>/.",
  coordinationBranch:
    'The branch that holds the manifest and the instructions. The engine finds the first of S2_COORDINATION_BRANCH, main, master, reads the manifest there, and when it names another branch follows it (one hop) and reads everything from that branch. `s2 init` creates the named branch when it does not exist.',
  policy: 'Rules of the swarm.',
  'policy.crossSessionVerification':
    '`required`: a need counts only once a session other than its author verified it (`s2 verify`); `advisory`: once it is complete.',
  polling: 'The guarded polling loop and its leases.',
  'polling.intervalSeconds': "Seconds between the loop's ticks.",
  'polling.heartbeatSeconds':
    'The liveness lease is renewed this often; a session is stale after three missed heartbeats plus one interval.',
  'polling.jitter': 'Random fraction added to each interval so that sessions do not tick together.',
  'polling.helpLeaseSeconds': 'A help claim lapses when the helper commits nothing for this long.',
  'polling.maxHelpersPerBlocker': 'At most this many sessions help one blocker.',
  'polling.maxAttempts':
    'Failed attempts at a phase (validation or executor) before it is in error: then `complete-phase` and `start-phase` are refused until a person runs `s2 reset-phase N`.',
  'polling.commandTimeoutSeconds': 'A validation, verify or integrate command that runs longer fails.',
  'polling.awaitingInputStuckSeconds':
    "A session awaiting a person's input longer than this counts as stuck for the blocker engine.",
  agent: 'The agent runtime and start command of every session that names none (`s2 session open`).',
  'agent.runtime': '`claude`, `codex` or `gemini`: whose hook protocol S² speaks (default `claude`).',
  'agent.command': "The command that starts the runtime's interactive agent (default: the runtime's name).",
  'sessions.<id>.agent': "This session's agent runtime and start command, over the swarm-wide `agent`.",
  'sessions.<id>.agent.runtime': '`claude`, `codex` or `gemini`.',
  'sessions.<id>.agent.command': "The command that starts this session's agent.",
  'polling.probeSeconds':
    'The fastest pace at which the loop asks the remote for news (one `git fetch`) while the swarm is busy; the worktree topology checks its refs this often.',
  'polling.probeMaxSeconds':
    'The slowest pace of that check: while nothing but heartbeats changes, the wait grows to half the quiet time so far, up to this (the worst-case wait for the first change after a quiet spell).',
  budget: 'Swarm-wide money.',
  'budget.swarmUsd': "Cap on the whole swarm's spend; absent means no swarm cap (`s2 approve '*'` is then refused).",
  pricing: 'Prices per model id, to turn token usage into spend (`s2 import-usage`, the hook).',
  'pricing.<model>.inputPerMTok': 'USD per million input tokens.',
  'pricing.<model>.outputPerMTok': 'USD per million output tokens.',
  'pricing.<model>.cacheReadPerMTok': 'USD per million cache-read tokens.',
  'pricing.<model>.cacheWritePerMTok': 'USD per million cache-write tokens (5-minute cache).',
  'pricing.<model>.cacheWrite1hPerMTok':
    'USD per million 1-hour cache-write tokens (Claude Code transcripts split cache writes by TTL); absent: the 5-minute price.',
  approvers:
    'The people who may raise budgets, sign manifest changes and instructions; `s2 init` creates their keys (passphrase-protected).',
  'approvers.<id>.title': 'Who the approver is, for people.',
  'approvers.<id>.publicKey': "The approver's Ed25519 public key (PEM), filled in by `s2 init`.",
  executor:
    'Command the loop runs to work on a started phase; `{instruction}`, `{session}`, `{phase}` and `{repo}` are replaced.',
  integrate: 'Commands `s2 integrate` runs on every verified completion merged together.',
  sessions: 'The sessions, by id (letters, digits, `_ . -`). Each works in its own worktree on its work branch.',
  'sessions.<id>.title': 'A name for people (default: the id).',
  'sessions.<id>.expertise': "Tags matched against a phase's expertise for help and adoption.",
  'sessions.<id>.budgetUsd': "The session's spending cap; phases, the executor and agent spawns are refused above it.",
  'sessions.<id>.maxAgents': 'Sub-agents the session may run at once (the hook denies more).',
  'sessions.<id>.branch': 'The work branch (default `s2/work/<id>`).',
  'sessions.<id>.publicKey': "The session's Ed25519 public key (PEM), filled in by `s2 init`.",
  'sessions.<id>.phaseCount': 'Phases 1..N. Absent: the highest phase listed under `phases`, else 10.',
  'sessions.<id>.baselinePhase':
    "Phases 1..N count as complete on the manifest's authority (history from before S², e.g. an imported v1 swarm).",
  'sessions.<id>.coordinator':
    "A coordinator session may sign other sessions' phase instructions (`s2 instruct`), as an approver can (docs/TRUST.md).",
  'sessions.<id>.phases': 'Per-phase settings, by phase number; a phase not listed has none.',
  'sessions.<id>.phases.<n>.title': 'What the phase is (default `Phase N`).',
  'sessions.<id>.phases.<n>.needs':
    "Other sessions' phases (`SESSION:PHASE`) that must be complete (and verified, under `required`) before this phase starts. A cycle through needs is refused by `s2 init`.",
  'sessions.<id>.phases.<n>.validate':
    "Commands that must all exit 0 for `s2 complete-phase N`; they run in the session's checkout on its committed work branch. None: the phase completes with a notice that nothing was checked.",
  'sessions.<id>.phases.<n>.expertise': 'Tags a helper or adopter of this phase should have.',
  'sessions.<id>.phases.<n>.helpTasks': 'Tasks a helper can take on this phase (gang-up plans).',
  'sessions.<id>.phases.<n>.timeoutSeconds': 'Overrides `polling.commandTimeoutSeconds` for this phase.',
  'sessions.<id>.phases.<n>.supports':
    "Sessions this phase supports (from v1's matrix, written by `s2 import v1`); shown in prompts, no guard reads it.",
  'sessions.<id>.integrate': 'Commands this session adds when it verifies another session (run on the merge).',
  'sessions.<id>.promptName':
    "How the session's prompt file is named (`<promptName>-AUTO-POLLING-V2.md`; `s2 import v1` keeps v1's names). Default `SESSION-<ID>`.",
};

interface Row {
  readonly key: string;
  readonly type: string;
  readonly required: boolean;
  readonly dflt: string;
}

function typeOf(s: z.ZodTypeAny): string {
  const u = unwrapSchema(s);
  if (u instanceof z.ZodString) return 'string';
  if (u instanceof z.ZodBoolean) return 'boolean';
  if (u instanceof z.ZodNumber) {
    const checks = (u._def.checks as { kind: string; value?: number; inclusive?: boolean }[]).map((c) =>
      c.kind === 'int'
        ? 'integer'
        : c.kind === 'min'
          ? c.value === 0 && c.inclusive
            ? '≥ 0'
            : c.inclusive
              ? `≥ ${c.value}`
              : `> ${c.value}`
          : c.kind === 'max'
            ? `≤ ${c.value}`
            : c.kind,
    );
    return checks.includes('integer')
      ? `integer${checks
          .filter((c) => c !== 'integer')
          .map((c) => ` ${c}`)
          .join(',')}`
      : `number${checks.map((c) => ` ${c}`).join(',')}`;
  }
  if (u instanceof z.ZodEnum) return (u.options as string[]).map((o) => `\`${o}\``).join(' \\| ');
  if (u instanceof z.ZodArray) return `list of ${typeOf(u.element as z.ZodTypeAny)}`;
  if (u instanceof z.ZodRecord) return 'map';
  if (u instanceof z.ZodObject) return 'object';
  return 'value';
}

function defaultOf(s: z.ZodTypeAny): { required: boolean; dflt: string } {
  let cur = s;
  for (;;) {
    if (cur instanceof z.ZodDefault) {
      const v: unknown = cur._def.defaultValue();
      const shown =
        v === ''
          ? '`""`'
          : Array.isArray(v) && v.length === 0
            ? '`[]`'
            : typeof v === 'object' && v !== null
              ? ''
              : `\`${String(v)}\``;
      return { required: false, dflt: shown };
    }
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) return { required: false, dflt: '' };
    if (cur instanceof z.ZodEffects) cur = cur.innerType() as z.ZodTypeAny;
    else return { required: true, dflt: '' };
  }
}

const PLACEHOLDER: Record<string, string> = {
  sessions: '<id>',
  phases: '<n>',
  approvers: '<id>',
  pricing: '<model>',
};

function walk(s: z.ZodTypeAny, prefix: string, parentKey: string, rows: Row[]): void {
  const c = schemaChildren(s);
  if (c && 'keys' in c) {
    for (const [k, v] of Object.entries(c.keys)) {
      const key = prefix ? `${prefix}.${k}` : k;
      rows.push({ key, type: typeOf(v), ...defaultOf(v) });
      walk(v, key, k, rows);
    }
  } else if (c?.of === 'record') {
    walk(c.each, `${prefix}.${PLACEHOLDER[parentKey] ?? '<key>'}`, '', rows);
  }
}

/** Every key of the manifest schema, in schema order. */
export function manifestKeys(): Row[] {
  const rows: Row[] = [];
  walk(Manifest, '', '', rows);
  return rows;
}

/** Keys of the schema that MEANING does not explain (the drift test wants none). */
export function undocumentedKeys(): string[] {
  return manifestKeys()
    .map((r) => r.key)
    .filter((k) => !MEANING[k]);
}

export function renderManifestDoc(): string {
  const rows = manifestKeys().map(
    (r) =>
      `| \`${r.key}\` | ${r.type} | ${r.required ? 'required' : r.dflt || '—'} | ${(MEANING[r.key] ?? '(undocumented)').replace(/\|/g, '\\|')} |`,
  );
  return `# The manifest: \`.s2/swarm.yaml\`

<!-- Generated from the zod schema (src/core/manifest.ts) by \`npm run docs:manifest\`; a test fails when this file drifts. -->

The swarm's plan, committed on the coordination branch (see \`coordinationBranch\`). The engine
reads it from the branch's commit, never from the file on disk. Every object is strict: an
unknown key is an error (\`MANIFEST_INVALID\`, exit 2) naming the key, the file, the line and
the nearest known key — a typo such as \`valdiate\` must not switch a check off.

\`s2 init --example\` prints a commented example; \`s2 init --manifest FILE\` fills in the public
keys and commits it. \`<id>\`, \`<n>\` and \`<model>\` stand for a session id, a phase number and a
model id.

| Key | Type | Default | Meaning |
| --- | --- | --- | --- |
${rows.join('\n')}

## Checks beyond the types

- A need names an existing session and one of its phases, never the session's own later phase.
- A phase listed under \`phases\` lies within 1..\`phaseCount\`.
- \`s2 init\` refuses needs that form a cycle (no session could ever complete it), and runs only
  in a checkout of the coordination branch.
`;
}
