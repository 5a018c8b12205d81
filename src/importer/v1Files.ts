/**
 * Classify v1 files by name and place. The v1 material arrives one folder per branch
 * (`<folder>/<path in the branch>`), or as one checkout with no folders.
 */
import { sessionOf } from './v1Sessions';
import type { V1InputFile } from './v1Types';

export type V1FileKind =
  | 'branches'
  | 'instruction'
  | 'starter'
  | 'roleInstruction'
  | 'matrix'
  | 'status'
  | 'board'
  | 'costReport'
  | 'sessionGuide'
  | 'startersIndex'
  | 'prompt'
  | 'contract'
  | 'taskBoard'
  | 'design'
  | 'summary'
  | 'fixtureDoc'
  | 'unknown';

export interface V1File extends V1InputFile {
  /** The branch folder, '' when the file is not in one. */
  readonly folder: string;
  /** The path inside the branch. */
  readonly rel: string;
  readonly base: string;
  readonly kind: V1FileKind;
  /** The session the file name names, if any. */
  readonly session?: string;
  /** The phases the file name covers, first and last. */
  readonly phases?: readonly [number, number];
  readonly revised: boolean;
}

const INSTRUCTION = /^INSTRUCTIONS-(?:SESSION|AGENT)-([A-Z0-9.]+)-PHASES?-(\d+)(?:-(\d+))?(-REVISED)?\.md$/i;
const ROLE_INSTRUCTION = /^INSTRUCTIONS-(?:SESSION|AGENT)-([A-Z0-9]+)(?:-[A-Z0-9.]+)?\.md$/i;
const SESSION_STATUS = /^STATUS-SESSION-([A-Z0-9]+)(?:-([A-Z0-9.-]+))?\.(?:ya?ml|md)$/i;
const STARTER_PHASES = /phases?-?(\d+)(?:-(\d+))?/i;

function rangeOf(a: string | undefined, b: string | undefined): readonly [number, number] | undefined {
  if (a === undefined) return undefined;
  const [x, y] = [Number(a), Number(b ?? a)];
  return x >= 1 ? [Math.min(x, y), Math.max(x, y)] : undefined;
}

function kindOf(
  rel: string,
  base: string,
  folder: string,
): Omit<V1File, keyof V1InputFile | 'folder' | 'rel' | 'base'> {
  const plain = { revised: false } as const;
  const starters = /(^|\/)docs\/SESSION-STARTERS\//i.test(rel);
  let m: RegExpExecArray | null;
  if (/^BRANCHES\.tsv$/i.test(base)) return { kind: 'branches', ...plain };
  if ((m = INSTRUCTION.exec(base)))
    return {
      kind: 'instruction',
      session: sessionOf(`session ${m[1]}`),
      phases: rangeOf(m[2], m[3]),
      revised: Boolean(m[4]),
    };
  if ((m = ROLE_INSTRUCTION.exec(base)))
    return { kind: 'roleInstruction', session: sessionOf(`session ${m[1]}`), ...plain };
  if (/COORDINATION-MATRIX\.txt$/i.test(base)) return { kind: 'matrix', ...plain };
  if ((m = SESSION_STATUS.exec(base))) {
    const session = sessionOf(`session ${m[1]}`);
    const named = m[2] ? sessionOf(`session ${m[1]} ${m[2]}`, true) : session;
    return named && named === session ? { kind: 'status', session, ...plain } : { kind: 'board', ...plain };
  }
  if (/^(?:MULTI-SESSION-STATUS|SESSION-STATUS|SWARM_STATUS)\.md$/i.test(base)) return { kind: 'board', ...plain };
  if (/^STATUS.*\.(?:md|ya?ml)$/i.test(base)) return { kind: 'status', ...plain };
  if (/^COST-REPORT.*\.ya?ml$/i.test(base)) return { kind: 'costReport', session: sessionOf(base), ...plain };
  if (starters && /^WHICH-SESSION-AM-I\.md$/i.test(base)) return { kind: 'sessionGuide', ...plain };
  if (starters && /^README\.md$/i.test(base)) return { kind: 'startersIndex', ...plain };
  if (starters && /^session-.*\.md$/i.test(base)) {
    const p = STARTER_PHASES.exec(base);
    return p
      ? { kind: 'instruction', session: sessionOf(base), phases: rangeOf(p[1], p[2]), revised: false }
      : { kind: 'starter', session: sessionOf(base), phases: [1, 1], revised: false };
  }
  if (starters || /^REPORT-YOUR-STATUS\.md$/i.test(base)) return { kind: 'prompt', ...plain };
  if (/(^|\/)docs\/INTERFACES\/.*\.ya?ml$/i.test(rel))
    return { kind: 'contract', session: sessionOf(base.replace(/^workstream-/i, 'session-')), ...plain };
  if (/^(?:PHASE-0-.*|AUTONOMOUS-NEXT-TASKS|TASK-ASSIGNMENTS.*|FINAL-SESSION-SUMMARY)\.md$/i.test(base))
    return { kind: 'taskBoard', ...plain };
  if (/(ARCHITECTURE|ROADMAP)[^/]*\.md$/i.test(base)) return { kind: 'design', ...plain };
  if (/SUMMARY[^/]*\.md$/i.test(base)) return { kind: 'summary', ...plain };
  if (!folder && /^(?:README|EVIDENCE)\.md$/i.test(rel)) return { kind: 'fixtureDoc', ...plain };
  return { kind: 'unknown', ...plain };
}

/** Split a path into branch folder and path inside the branch; `folders` are the known branch folders. */
export function splitPath(path: string, folders: ReadonlySet<string>): { folder: string; rel: string } {
  const parts = path.replace(/\\/g, '/').replace(/^\.\//, '').split('/');
  const first = parts[0]!;
  const isFolder = parts.length > 1 && (folders.size ? folders.has(first) : first !== 'docs');
  return isFolder ? { folder: first, rel: parts.slice(1).join('/') } : { folder: '', rel: parts.join('/') };
}

/** Kind, session and phases of one file, from its name and place only (contents are read later). */
export function classifyFile(file: V1InputFile, folders: ReadonlySet<string>): V1File {
  const { folder, rel } = splitPath(file.path, folders);
  const base = rel.split('/').pop()!;
  return { ...file, folder, rel, base, ...kindOf(rel, base, folder) };
}

/** Why a kind of file is not imported. */
export const UNMAPPED_REASON: Partial<Record<V1FileKind, string>> = {
  roleInstruction:
    'instructions with no phase in the name (a session role for the shared Phase 0 task pool, or "NEXT"): v2 instructions belong to one phase, and v2 phases start at 1',
  startersIndex:
    'index of the session starters: duplicates the starters, and its "Session 5" is an integration workstream, not the CLI session',
  prompt:
    'a prompt pasted into every session (polling loop, status template, orchestrator): v2 replaces it with the s2 loop and CLI',
  contract: 'a cross-session API contract: v2 has no contract field; it stays in the repository as documentation',
  taskBoard:
    'a Phase 0 task board or assignment list (P0.x/F tasks claimed by any session): v2 has no shared task board; its task ids do not map to phases',
  design: "design or roadmap prose: its session numbering and budgets are plans, not the sessions' state",
  summary:
    'a summary written after the fact: its claims are self-reported prose; states are read from the STATUS files',
  fixtureDoc: 'documentation of the fixture set, not a v1 coordination file',
  unknown: 'file name does not match any v1 coordination file shape',
};
