import { spawn } from 'node:child_process';
import type { Snapshot } from '../src/core/snapshot';
import type { GitObject } from '../src/git/catFile';
import { GIT_ENV } from '../src/git/gitProcess';
import { openRepo } from '../src/git/repoContext';
import { SnapshotReader } from '../src/git/snapshotReader';
import type { GeneratedSwarm } from './lib/swarmGen';
import { median, nowMs } from './lib/util';

/**
 * S²'s snapshot read against its floor: one bare `git cat-file --batch` fed, all at once, the
 * unique ids of the objects (commits, trees, blobs) that the same read touched, with all its
 * output read. Cold: a new reader (new cat-file process, empty caches), as `s2 status` or a
 * loop's first tick. Warm: the same reader's next read with nothing changed (the loop's steady
 * state: records are cached by tree id). Runs of both are interleaved, medians reported.
 */
export interface ReadFigures {
  readonly ms: number;
  readonly runs: readonly number[];
  readonly floorMs: number;
  readonly floorRuns: readonly number[];
  readonly ratio: number;
  /** cat-file requests made by the reader, and how many distinct objects they were. */
  readonly requests: number;
  readonly uniqueObjects: number;
  readonly bytes: number;
}

export interface SnapshotReadResult {
  readonly sessions: number;
  readonly historyCommits: number;
  readonly records: number;
  readonly problems: number;
  readonly cold: ReadFigures;
  readonly cachedCold?: ReadFigures;
  readonly warm: ReadFigures;
}

/** Feed `oids` to one `git cat-file --batch` at once and read everything it prints. */
export function catFileFloor(cwd: string, oids: readonly string[]): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    let bytes = 0;
    const child = spawn('git', ['cat-file', '--batch'], { cwd, env: { ...process.env, ...GIT_ENV } });
    child.stdout.on('data', (b: Buffer) => (bytes += b.length));
    child.stderr.on('data', () => undefined);
    child.on('error', reject);
    child.on('close', () => resolve({ ms: nowMs() - t0, bytes }));
    child.stdin.end(oids.join('\n') + '\n');
  });
}

/** Which objects one read touches: every request through the reader's cat-file. */
function record(reader: SnapshotReader): { requests: string[]; objects: GitObject[] } {
  const out = { requests: [] as string[], objects: [] as GitObject[] };
  const cat = reader.cat;
  const orig = cat.read.bind(cat);
  cat.read = async (name: string) => {
    out.requests.push(name);
    const o = await orig(name);
    if (o) out.objects.push(o);
    return o;
  };
  return out;
}

export function countProblems(s: Snapshot): number {
  return s.problems.length + Object.values(s.sessions).reduce((a, x) => a + x.problems.length, 0);
}

export async function benchSnapshotRead(gen: GeneratedSwarm, runs: number): Promise<SnapshotReadResult> {
  const ctx = await openRepo(gen.dir, null);
  // One instrumented cold + warm read: the objects touched, and a check that the records are all valid.
  // Cold means cold: no record cache on disk (a clone's very first read).
  const probe = new SnapshotReader(ctx, { me: null, persistentCache: false });
  const coldRec = record(probe);
  const snap = await probe.read();
  const coldTouched = { ...coldRec, requests: [...coldRec.requests], objects: [...coldRec.objects] };
  coldRec.requests.length = 0;
  coldRec.objects.length = 0;
  await probe.read();
  const warmTouched = coldRec;
  probe.dispose();
  const unique = (os: GitObject[]): string[] => [...new Set(os.map((o) => o.oid))];
  const coldIds = unique(coldTouched.objects);
  const warmIds = unique(warmTouched.objects);

  const cold: number[] = [];
  const warm: number[] = [];
  const coldFloor: number[] = [];
  const warmFloor: number[] = [];
  let coldBytes = 0;
  let warmBytes = 0;
  // Warm-up (page cache, JIT) once, not counted.
  await catFileFloor(gen.dir, coldIds);
  const cached: number[] = [];
  {
    const primer = new SnapshotReader(ctx, { me: null, trackRewrites: false });
    await primer.read(); // fills .git/s2/record-cache.json, as any earlier s2 command in this clone does
    primer.dispose();
  }
  for (let i = 0; i < runs; i++) {
    const c = new SnapshotReader(ctx, { me: null, trackRewrites: false });
    const t0 = nowMs();
    await c.read();
    cached.push(nowMs() - t0);
    c.dispose();
    const r = new SnapshotReader(ctx, { me: null, persistentCache: false });
    let t = nowMs();
    await r.read();
    cold.push(nowMs() - t);
    t = nowMs();
    await r.read();
    warm.push(nowMs() - t);
    r.dispose();
    const f = await catFileFloor(gen.dir, coldIds);
    coldFloor.push(f.ms);
    coldBytes = f.bytes;
    const w = await catFileFloor(gen.dir, warmIds);
    warmFloor.push(w.ms);
    warmBytes = w.bytes;
  }
  const figures = (
    xs: number[],
    fl: number[],
    t: { requests: string[] },
    ids: string[],
    bytes: number,
  ): ReadFigures => ({
    ms: median(xs),
    runs: xs,
    floorMs: median(fl),
    floorRuns: fl,
    ratio: median(xs) / median(fl),
    requests: t.requests.length,
    uniqueObjects: ids.length,
    bytes,
  });
  return {
    sessions: gen.ids.length,
    historyCommits: gen.sessionCommits,
    records: gen.records,
    problems: countProblems(snap),
    cold: figures(cold, coldFloor, coldTouched, coldIds, coldBytes),
    /** A new reader (a new `s2` process) in a clone that has read before: the on-disk record cache. */
    cachedCold: figures(cached, coldFloor, coldTouched, coldIds, coldBytes),
    warm: figures(warm, warmFloor, warmTouched, warmIds, warmBytes),
  };
}
