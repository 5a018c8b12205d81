/**
 * Choose among copies and versions. Every v1 branch carried the orchestrator's files, often
 * at different versions: a path inside the branch is kept once, from the newest branch
 * (status files: from a branch of a session first, and only identical copies are folded,
 * since each session's STATUS.md is its own). Then one instruction per session and phase:
 * a `-REVISED` file before the one it revises, an INSTRUCTIONS file before a session
 * starter, one phase before a range, a narrower range before a wider, a later start first.
 */
import type { V1Branch } from './v1Branches';
import type { V1File } from './v1Files';

export interface Copy {
  readonly file: V1File;
  readonly of: V1File;
  readonly identical: boolean;
}

const BY_TEXT = new Set(['status', 'board', 'costReport']);
const ALONE = new Set(['branches', 'fixtureDoc']);

/** Keep one file per path inside the branch (per identical text, for status files); the rest are copies. */
export function foldCopies(
  files: readonly V1File[],
  branches: ReadonlyMap<string, V1Branch>,
): { kept: V1File[]; copies: Copy[] } {
  const groups = new Map<string, V1File[]>();
  for (const f of files) {
    const key = ALONE.has(f.kind)
      ? `path\0${f.path}`
      : BY_TEXT.has(f.kind)
        ? `text\0${f.rel}\0${f.text}`
        : `rel\0${f.rel}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const kept: V1File[] = [];
  const copies: Copy[] = [];
  for (const group of groups.values()) {
    const ranked = [...group].sort(
      (a, b) => rankCopy(b, branches) - rankCopy(a, branches) || (a.path < b.path ? -1 : 1),
    );
    const best = ranked[0]!;
    kept.push(best);
    for (const f of ranked.slice(1)) copies.push({ file: f, of: best, identical: f.text === best.text });
  }
  return { kept, copies };
}

function rankCopy(f: V1File, branches: ReadonlyMap<string, V1Branch>): number {
  const b = branches.get(f.folder);
  const date = b?.date ? Date.parse(b.date) / 1e12 : 0;
  return (BY_TEXT.has(f.kind) && b?.session ? 10 : 0) + date;
}

function instructionRank(f: V1File): number[] {
  const [from, to] = f.phases!;
  const kind = f.kind === 'starter' ? 0 : /^INSTRUCTIONS-/i.test(f.base) ? 2 : 1;
  return [f.revised ? 1 : 0, kind, from === to ? 1 : 0, -(to - from), from];
}

function better(a: V1File, b: V1File): boolean {
  const [x, y] = [instructionRank(a), instructionRank(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return a.path < b.path;
}

export interface InstructionChoice {
  /** `session:phase` → the file in force. */
  readonly winners: Map<string, V1File>;
  /** path → the phases it covers that another file took, and which. */
  readonly lost: Map<string, { phase: number; to: V1File }[]>;
}

/** The instruction file in force for every session and phase that any file covers. */
export function chooseInstructions(files: readonly V1File[]): InstructionChoice {
  const winners = new Map<string, V1File>();
  const lost = new Map<string, { phase: number; to: V1File }[]>();
  const candidates = files.filter((f) => f.session && f.phases && (f.kind === 'instruction' || f.kind === 'starter'));
  for (const f of candidates) {
    for (let p = f.phases![0]; p <= f.phases![1]; p++) {
      const key = `${f.session}:${p}`;
      const cur = winners.get(key);
      if (!cur || better(f, cur)) winners.set(key, f);
    }
  }
  for (const f of candidates) {
    for (let p = f.phases![0]; p <= f.phases![1]; p++) {
      const w = winners.get(`${f.session}:${p}`)!;
      if (w !== f) lost.set(f.path, [...(lost.get(f.path) ?? []), { phase: p, to: w }]);
    }
  }
  return { winners, lost };
}
