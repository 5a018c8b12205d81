/**
 * Forecasts, before anyone merges, which sessions' work branches will conflict and which
 * changes were made twice. Every fact is cached by the commits it depends on — ranges by
 * (coordination tip, work tip), patch ids by commit, merges by the pair of tips — so a
 * forecast with nothing moved spawns no git process, and one with a single tip moved
 * spawns at most four batched processes plus one merge-tree per overlapping pair that
 * includes the moved session.
 */
import { S2Error } from '../core/errors';
import {
  ConflictForecast,
  findDuplicates,
  forecastViolations,
  MergeOutcome,
  overlappingPairs,
  PairForecast,
  pairKey,
  parseBoundaryLog,
  parseDiffTreeNames,
  parseMergeTree,
  parsePatchIds,
  rangeOf,
  SessionChanges,
  SessionTip,
} from '../core/conflicts';
import { processStats, runGit } from './gitProcess';

interface Range {
  readonly base: string | null;
  readonly commits: readonly string[];
}

export interface ForecastInput {
  readonly coordination: string;
  /** Sessions in manifest order; a session without a work branch is left out. */
  readonly sessions: readonly SessionTip[];
}

export class ConflictForecaster {
  private ranges = new Map<string, Range>();
  private files = new Map<string, readonly string[]>();
  private patchIds = new Map<string, string>();
  private merges = new Map<string, MergeOutcome>();

  constructor(
    private readonly root: string,
    private readonly concurrency = 8,
  ) {}

  async forecast(input: ForecastInput): Promise<ConflictForecast> {
    const started = Date.now();
    const spawnedBefore = processStats.spawned;
    const coord = input.coordination;
    const rangeKey = (tip: string): string => `${coord}|${tip}`;
    const moved = [...new Set(input.sessions.map((s) => s.tip).filter((t) => !this.ranges.has(rangeKey(t))))];
    if (moved.length) await this.readRanges(coord, moved);
    const fresh = moved.map((t) => ({ tip: t, range: this.ranges.get(rangeKey(t))! }));
    await this.readFiles(
      fresh
        .filter((x) => x.range.base && x.range.base !== x.tip && !this.files.has(`${x.range.base}|${x.tip}`))
        .map((x) => ({ tip: x.tip, base: x.range.base! })),
    );
    await this.readPatchIds([...new Set(fresh.flatMap((x) => x.range.commits))].filter((c) => !this.patchIds.has(c)));
    const changes: SessionChanges[] = input.sessions.map((s) => {
      const r = this.ranges.get(rangeKey(s.tip))!;
      return {
        id: s.id,
        tip: s.tip,
        base: r.base,
        files: r.base && r.base !== s.tip ? (this.files.get(`${r.base}|${s.tip}`) ?? []) : [],
        commits: r.commits,
      };
    });
    const tipOf = new Map(changes.map((c) => [c.id, c.tip]));
    const overlaps = overlappingPairs(changes);
    let mergeTrees = 0;
    const todo = [
      ...new Set(overlaps.map((p) => pairKey(tipOf.get(p.a)!, tipOf.get(p.b)!)).filter((k) => !this.merges.has(k))),
    ];
    await mapLimit(todo, this.concurrency, async (key) => {
      const [x, y] = key.split('|') as [string, string];
      if (x === y) {
        this.merges.set(key, { conflict: false, tree: null, files: [] });
        return;
      }
      mergeTrees++;
      this.merges.set(key, await this.mergeTree(x, y));
    });
    const pairs: PairForecast[] = overlaps.map((p) => {
      const m = this.merges.get(pairKey(tipOf.get(p.a)!, tipOf.get(p.b)!))!;
      return { ...p, conflict: m.conflict, conflictFiles: m.files };
    });
    const duplicates = findDuplicates(changes, this.patchIds);
    this.prune(
      coord,
      changes,
      overlaps.map((p) => pairKey(tipOf.get(p.a)!, tipOf.get(p.b)!)),
    );
    return {
      coordination: coord,
      sessions: changes,
      pairs,
      duplicates,
      violations: forecastViolations(pairs, duplicates),
      stats: { processes: processStats.spawned - spawnedBefore, mergeTrees, ms: Date.now() - started },
    };
  }

  /** One `git log --boundary` over every moved tip; `git merge-base` only for a branch that merged the coordination branch back in. */
  private async readRanges(coord: string, tips: readonly string[]): Promise<void> {
    const log = await runGit(['log', '--boundary', '--format=%m%H %P', `^${coord}`, ...tips, '--'], { cwd: this.root });
    const graph = parseBoundaryLog(log.stdout);
    for (const tip of tips) {
      const r = rangeOf(tip, graph);
      let base: string | null = r.bases.length === 1 ? r.bases[0]! : null;
      if (r.bases.length > 1) {
        const mb = await runGit(['merge-base', coord, tip], { cwd: this.root, allowFailure: true });
        base = mb.code === 0 ? mb.stdout.trim() : null;
      }
      this.ranges.set(`${coord}|${tip}`, { base, commits: r.commits });
    }
  }

  /** One `git diff-tree --stdin` for every moved tip against its merge base. */
  private async readFiles(items: readonly { tip: string; base: string }[]): Promise<void> {
    if (!items.length) return;
    const input = items.map((i) => `${i.tip} ${i.base}\n`).join('');
    const r = await runGit(['diff-tree', '--stdin', '-r', '--name-only', '--no-renames', '-z'], {
      cwd: this.root,
      input,
    });
    const parsed = parseDiffTreeNames(r.stdout, new Set(items.map((i) => i.tip)));
    for (const i of items) this.files.set(`${i.base}|${i.tip}`, parsed.get(i.tip) ?? []);
  }

  /** One `git diff-tree --stdin -p` piped (through us) into one `git patch-id --stable`. */
  private async readPatchIds(commits: readonly string[]): Promise<void> {
    if (!commits.length) return;
    const patches = await runGit(['diff-tree', '--stdin', '-p', '--no-color', '--no-renames', '--full-index'], {
      cwd: this.root,
      input: commits.map((c) => `${c}\n`).join(''),
    });
    const ids = parsePatchIds(
      (await runGit(['patch-id', '--stable'], { cwd: this.root, input: patches.stdout })).stdout,
    );
    for (const c of commits) this.patchIds.set(c, ids.get(c) ?? '');
  }

  private async mergeTree(a: string, b: string): Promise<MergeOutcome> {
    const r = await runGit(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', a, b], {
      cwd: this.root,
      allowFailure: true,
    });
    if (r.code > 1)
      throw new S2Error(
        'GIT_FAILED',
        `git merge-tree ${a.slice(0, 12)} ${b.slice(0, 12)} failed (exit ${r.code}): ${r.stderr.trim()}`,
      );
    return parseMergeTree(r.code, r.stdout);
  }

  /** Keep only what the current tips can ask for again, so a long-running loop does not grow. */
  private prune(coord: string, changes: readonly SessionChanges[], pairKeys: readonly string[]): void {
    const ranges = new Map<string, Range>();
    const files = new Map<string, readonly string[]>();
    const patchIds = new Map<string, string>();
    for (const c of changes) {
      const k = `${coord}|${c.tip}`;
      ranges.set(k, this.ranges.get(k)!);
      const fk = `${c.base}|${c.tip}`;
      if (this.files.has(fk)) files.set(fk, this.files.get(fk)!);
      for (const commit of c.commits) if (this.patchIds.has(commit)) patchIds.set(commit, this.patchIds.get(commit)!);
    }
    const merges = new Map<string, MergeOutcome>();
    for (const k of pairKeys) merges.set(k, this.merges.get(k)!);
    this.ranges = ranges;
    this.files = files;
    this.patchIds = patchIds;
    this.merges = merges;
  }
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
