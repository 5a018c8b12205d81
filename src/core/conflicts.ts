/**
 * The pure half of the conflict forecast: parsers for the output of the few git commands
 * the forecaster runs (log --boundary, diff-tree --stdin -z, patch-id, merge-tree -z), and
 * the functions that turn per-session changes into overlapping pairs, duplicate work and
 * violations. No git, no clock: the same inputs give the same forecast.
 */
import type { Snapshot } from './snapshot';
import type { Violation } from './viewTypes';

export interface SessionTip {
  readonly id: string;
  readonly tip: string;
}

export interface SessionChanges {
  readonly id: string;
  readonly tip: string;
  /** The merge base with the coordination branch (the tip itself when it is already merged). */
  readonly base: string | null;
  /** Files changed between the merge base and the tip. */
  readonly files: readonly string[];
  /** Non-merge commits on the branch that the coordination branch does not have. */
  readonly commits: readonly string[];
}

export interface PairForecast {
  readonly a: string;
  readonly b: string;
  /** Files both sessions changed. */
  readonly files: readonly string[];
  readonly conflict: boolean;
  /** Files merge-tree reports as conflicted (empty when the merge is clean). */
  readonly conflictFiles: readonly string[];
}

export interface DuplicateWork {
  readonly sessions: readonly string[];
  readonly commits: readonly string[];
  readonly patchId: string;
}

export interface ForecastStats {
  /** git processes spawned by this forecast (processStats.spawned delta). */
  readonly processes: number;
  readonly mergeTrees: number;
  readonly ms: number;
}

export interface ConflictForecast {
  readonly coordination: string;
  readonly sessions: readonly SessionChanges[];
  readonly pairs: readonly PairForecast[];
  readonly duplicates: readonly DuplicateWork[];
  readonly violations: readonly Violation[];
  readonly stats: ForecastStats;
}

export interface GraphNode {
  readonly parents: readonly string[];
  /** Reachable from the coordination branch: shown by `--boundary` with `-`. */
  readonly boundary: boolean;
}

/** Parses `git log --boundary --format='%m%H %P'`: `>` commits in range, `-` boundary. */
export function parseBoundaryLog(text: string): Map<string, GraphNode> {
  const graph = new Map<string, GraphNode>();
  for (const line of text.split('\n')) {
    const m = /^([<>-])([0-9a-f]{40})((?: [0-9a-f]{40})*)\s*$/.exec(line);
    if (!m) continue;
    graph.set(m[2]!, { parents: m[3]!.trim().split(' ').filter(Boolean), boundary: m[1] === '-' });
  }
  return graph;
}

/**
 * What `tip` adds over the coordination branch, from the boundary graph: its non-merge
 * commits, and the boundary commits it reaches (one of them is the merge base; exactly one
 * for a branch that never merged the coordination branch back in).
 */
export function rangeOf(
  tip: string,
  graph: ReadonlyMap<string, GraphNode>,
): { commits: string[]; bases: string[]; inRange: boolean } {
  const start = graph.get(tip);
  if (!start || start.boundary) return { commits: [], bases: [tip], inRange: false };
  const commits: string[] = [];
  const bases = new Set<string>();
  const seen = new Set<string>([tip]);
  const todo = [tip];
  while (todo.length) {
    const c = todo.pop()!;
    const node = graph.get(c);
    if (!node || node.boundary) {
      bases.add(c);
      continue;
    }
    if (node.parents.length === 1) commits.push(c);
    for (const p of node.parents) {
      if (!seen.has(p)) {
        seen.add(p);
        todo.push(p);
      }
    }
  }
  return { commits: commits.sort(), bases: [...bases].sort(), inRange: true };
}

/**
 * Parses `git diff-tree --stdin -r --name-only -z` fed with `<tip> <base>` lines: each diff
 * starts with its tip's id. `tips` are the ids fed in, so a header is never taken for a path.
 */
export function parseDiffTreeNames(text: string, tips: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const tok of text.split('\0')) {
    if (!tok) continue;
    const t = tok.replace(/^\n+/, '');
    if (tips.has(t) && (current === null || !out.has(t))) {
      current = [];
      out.set(t, current);
    } else if (current) current.push(t);
  }
  for (const files of out.values()) files.sort();
  return out;
}

/** Parses `git patch-id --stable` output: commit → patch id. */
export function parsePatchIds(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40}) ([0-9a-f]{40})$/.exec(line.trim());
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

export interface MergeOutcome {
  readonly conflict: boolean;
  readonly tree: string | null;
  readonly files: readonly string[];
}

/** Parses `git merge-tree --write-tree --name-only --no-messages -z`: exit 0 clean, 1 conflicted. */
export function parseMergeTree(code: number, stdout: string): MergeOutcome {
  const parts = stdout.split('\0');
  const tree = /^[0-9a-f]{40}$/.test(parts[0]?.trim() ?? '') ? parts[0]!.trim() : null;
  const files = code === 1 ? [...new Set(parts.slice(1).filter(Boolean))].sort() : [];
  return { conflict: code !== 0, tree, files };
}

/** Pairs of sessions that change at least one same file, in manifest order. */
export function overlappingPairs(changes: readonly SessionChanges[]): { a: string; b: string; files: string[] }[] {
  const byFile = new Map<string, number[]>();
  changes.forEach((c, i) => {
    for (const f of c.files) (byFile.get(f) ?? byFile.set(f, []).get(f)!).push(i);
  });
  const shared = new Map<string, Set<string>>();
  for (const [file, idx] of byFile) {
    for (let x = 0; x < idx.length; x++) {
      for (let y = x + 1; y < idx.length; y++) {
        const key = `${idx[x]}|${idx[y]}`;
        (shared.get(key) ?? shared.set(key, new Set()).get(key)!).add(file);
      }
    }
  }
  return [...shared]
    .map(([key, files]) => {
      const [x, y] = key.split('|').map(Number) as [number, number];
      return { x, y, a: changes[x]!.id, b: changes[y]!.id, files: [...files].sort() };
    })
    .sort((p, q) => p.x - q.x || p.y - q.y)
    .map(({ a, b, files }) => ({ a, b, files }));
}

/** The key of a pair of tips for the merge cache: order-free. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/**
 * The same patch (`git patch-id --stable`) committed as different commits in two or more
 * sessions' branches. A commit shared by two branches (one merged the other) is one commit,
 * not duplicate work.
 */
export function findDuplicates(
  changes: readonly SessionChanges[],
  patchIds: ReadonlyMap<string, string>,
): DuplicateWork[] {
  const byPatch = new Map<string, Map<string, Set<string>>>();
  for (const c of changes) {
    for (const commit of c.commits) {
      const pid = patchIds.get(commit);
      if (!pid) continue;
      const commits = byPatch.get(pid) ?? byPatch.set(pid, new Map()).get(pid)!;
      (commits.get(commit) ?? commits.set(commit, new Set()).get(commit)!).add(c.id);
    }
  }
  const order = new Map(changes.map((c, i) => [c.id, i]));
  const out: DuplicateWork[] = [];
  for (const [patchId, commits] of byPatch) {
    if (commits.size < 2) continue;
    const sessions = [...new Set([...commits.values()].flatMap((s) => [...s]))].sort(
      (x, y) => order.get(x)! - order.get(y)!,
    );
    if (sessions.length < 2) continue;
    out.push({ sessions, commits: [...commits.keys()].sort(), patchId });
  }
  return out.sort(
    (x, y) => order.get(x.sessions[0]!)! - order.get(y.sessions[0]!)! || (x.commits[0]! < y.commits[0]! ? -1 : 1),
  );
}

/** MERGE_CONFLICT_AHEAD for each conflicting pair, DUPLICATE_WORK for each duplicated patch. */
export function forecastViolations(pairs: readonly PairForecast[], duplicates: readonly DuplicateWork[]): Violation[] {
  const out: Violation[] = [];
  for (const p of pairs) {
    if (!p.conflict) continue;
    const files = p.conflictFiles.length ? p.conflictFiles : p.files;
    out.push({
      code: 'MERGE_CONFLICT_AHEAD',
      session: p.a,
      severity: 'warning',
      ref: `${p.a}+${p.b}`,
      path: files[0],
      message: `${p.a} and ${p.b} both change ${list(p.files)} and their branches do not merge cleanly (conflicts in ${list(files)}); settle it before either merges`,
    });
  }
  for (const d of duplicates) {
    out.push({
      code: 'DUPLICATE_WORK',
      session: d.sessions[0]!,
      severity: 'warning',
      ref: d.sessions.join('+'),
      message: `${d.sessions.join(' and ')} committed the same change (${d.commits.map((c) => c.slice(0, 12)).join(', ')}); one of them can drop it`,
    });
  }
  return out;
}

function list(files: readonly string[]): string {
  return files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
}

/** The forecast's input from a snapshot: the coordination tip and every work tip, in manifest order. */
export function forecastInputOf(snap: Snapshot): { coordination: string; sessions: SessionTip[] } {
  const sessions: SessionTip[] = [];
  for (const sp of snap.plan.sessions) {
    const tip = snap.sessions[sp.id]?.workTip;
    if (tip) sessions.push({ id: sp.id, tip });
  }
  return { coordination: snap.coordinationTip, sessions };
}
