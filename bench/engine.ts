import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { stringify } from 'yaml';
import { appendToChain } from '../src/core/hashChain';
import { parseManifest, SwarmPlan } from '../src/core/manifest';
import type {
  CompletionRecord,
  LedgerEntry,
  StatusRecord,
  VerificationRecord,
  WitnessEntry,
} from '../src/core/records';
import { generateKeyPair, signRecord, verifyRecord } from '../src/core/signing';
import { CommitFacts, InstructionInfo, SessionSnapshot, Snapshot } from '../src/core/snapshot';
import { computeView } from '../src/core/view';
import type { SwarmView } from '../src/core/viewTypes';
import { admit, parseYamlRecord, toYaml } from '../src/git/recordCodec';
import { StatusRecord as StatusSchema } from '../src/core/records';
import { manifestObject, sessionIds } from './lib/swarmGen';
import { median, nowMs, prng, quantile } from './lib/util';

/**
 * The pure engine on synthetic snapshots built in memory (no git): the same shape as the
 * generated repositories — N sessions × 10 phases, a third of them with cross-session needs,
 * completions verified by the next session, declared blocks, stale heartbeats, ledgers.
 */
export function syntheticSnapshot(n: number, phases = 10, now = new Date()): Snapshot {
  const ids = sessionIds(n);
  const plan: SwarmPlan = parseManifest(stringify(manifestObject(`engine-${n}`, ids, phases, {})));
  const rnd = prng(7 + n);
  const done = ids.map(() => Math.floor(rnd() * phases));
  const sessions: Record<string, SessionSnapshot> = {};
  const commits = new Map<string, Map<string, CommitFacts>>();
  const instructions: InstructionInfo[] = [];
  const t = now.getTime();
  const iso = (ms: number): string => new Date(ms).toISOString();
  ids.forEach((id, i) => {
    const prev = ids[(i - 1 + n) % n]!;
    const c = done[i]!;
    const commit = (s: string, k: number): string =>
      (s + ':' + k)
        .padEnd(40, '0')
        .replace(/[^0-9a-f]/g, 'a')
        .slice(0, 40);
    const completions: CompletionRecord[] = [];
    const witness: WitnessEntry[] = [];
    const ledger: LedgerEntry[] = [];
    for (let k = 1; k <= c; k++) {
      completions.push({
        kind: 'completion',
        session: id,
        phase: k,
        commit: commit(id, k),
        completedAt: iso(t - (c - k + 1) * 3600_000),
        validations: [{ command: 'npm test', exitCode: 0, durationMs: 1000, outputTail: 'ok', timedOut: false }],
      });
      (commits.get(id) ?? commits.set(id, new Map()).get(id)!).set(commit(id, k), { exists: true, onWorkBranch: true });
      witness.push(
        appendToChain(witness, {
          kind: 'witness',
          session: id,
          at: iso(t),
          action: 'complete-phase',
          detail: String(k),
        }) as WitnessEntry,
      );
      ledger.push(
        appendToChain(ledger, {
          kind: 'spend',
          session: id,
          at: iso(t),
          usd: 1.5,
          model: 'm',
          note: '',
          source: 'manual',
        }) as LedgerEntry,
      );
    }
    const verifications: VerificationRecord[] = [];
    if (n > 1)
      for (let k = 1; k <= done[(i - 1 + n) % n]!; k++)
        verifications.push({
          kind: 'verification',
          verifier: id,
          target: prev,
          phase: k,
          completionCommit: commit(prev, k),
          verifierCommit: commit(id, c),
          result: 'pass',
          at: iso(t),
          commands: [],
          detail: '',
        });
    const stale = i % 20 === 19;
    const blocked = n > 2 && i % 9 === 4 ? `${ids[(i + 2) % n]}:${phases}` : null;
    const hb = iso(stale ? t - 7200_000 : t - (i % 7) * 10_000);
    const status: StatusRecord = {
      kind: 'status',
      session: id,
      seq: 10 + c,
      updatedAt: hb,
      heartbeatAt: hb,
      state: blocked ? 'blocked' : 'working',
      phase: c + 1,
      phaseStartedAt: hb,
      blockedOn: blocked ? [{ on: blocked, reason: 'waiting', since: hb }] : [],
      helping: null,
      wantsHelp: false,
      adopted: [],
      attempts: {},
      agents: { running: ['a1', 'a2'] },
    };
    // Cast: fields added to SessionSnapshot later (e.g. `integration`) default to null here.
    sessions[id] = {
      session: id,
      recordsTip: commit(id, 99),
      workTip: c ? commit(id, c) : null,
      status,
      completions,
      verifications,
      acks: [],
      ledger,
      witness,
      problems: [],
      integration: null,
    } as unknown as SessionSnapshot;
    instructions.push({
      session: id,
      phase: c + 1,
      id: `${id}-p${c + 1}`,
      path: `.s2/instructions/${id}/phase-${c + 1}.md`,
      blob: commit(id, 77),
    });
  });
  return {
    id: `synthetic-${n}`,
    plan,
    coordinationTip: 'c'.repeat(40),
    sessions,
    approvals: [],
    instructions,
    problems: [],
    commits,
  };
}

export interface ViewBenchResult {
  readonly sessions: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  /** The middle half of the samples: how far the median could move. */
  readonly q1Ms: number;
  readonly q3Ms: number;
  readonly violations: number;
  readonly blockers: number;
}

/**
 * A collector the bench may call between samples: V8's `gc` (exposed at run time, so
 * `node out/bench/run.js` needs no flag), or null where it cannot be had.
 */
function minorGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (o?: { type: 'minor' | 'major' }) => void;
    return () => gc({ type: 'minor' });
  } catch {
    return null;
  }
}

/**
 * `computeView` at every size, by the same method: the snapshots are built first, each size
 * gets three warm-up views (JIT), then `rounds` rounds each time one view of every size in
 * turn. Interleaving puts a change of the host's load on every size alike (the fit compares
 * sizes, so drift between them is what would bend it), and every size lives in the same heap.
 * Before each sample a minor GC empties the young generation, so no sample pays for the
 * garbage of the one before (a 5000-session view's garbage would otherwise be collected in
 * the next, smaller one); the collections the view itself causes are in its time. (A full GC
 * between samples was tried: it costs 100–350 ms each with every snapshot live, and it shrinks
 * the young generation, so the next view ran 2–10× slower than in steady state.)
 */
export function benchComputeViews(sizes: readonly number[], rounds: number): ViewBenchResult[] {
  const now = new Date();
  const snaps = sizes.map((n) => syntheticSnapshot(n, 10, now));
  const views = snaps.map((snap) => computeView(snap, now));
  for (let i = 0; i < 3; i++) snaps.forEach((snap) => computeView(snap, now)); // warm-up (JIT)
  const gc = minorGc();
  const xs: number[][] = sizes.map(() => []);
  for (let r = 0; r < rounds; r++) {
    snaps.forEach((snap, i) => {
      gc?.();
      const t = nowMs();
      views[i] = computeView(snap, now);
      xs[i]!.push(nowMs() - t);
    });
  }
  return sizes.map((n, i) => ({
    sessions: n,
    runs: rounds,
    medianMs: median(xs[i]!),
    minMs: Math.min(...xs[i]!),
    q1Ms: quantile(xs[i]!, 0.25),
    q3Ms: quantile(xs[i]!, 0.75),
    violations: views[i]!.violations.length,
    blockers: views[i]!.blockers.length,
  }));
}

/**
 * The floor of the view's row: `JSON.stringify` of the snapshot, touching every record once.
 * The commit facts are a map of maps in the snapshot; they are stringified as the plain
 * object they were before, converted outside the timing, so the floor is the same as before.
 */
export function benchSnapshotJson(n: number, runs: number): number {
  const snap = syntheticSnapshot(n);
  const plain = {
    ...snap,
    commits: Object.fromEntries([...snap.commits].flatMap(([s, m]) => [...m].map(([c, f]) => [`${s}@${c}`, f]))),
  };
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = nowMs();
    JSON.stringify(plain);
    xs.push(nowMs() - t);
  }
  return median(xs);
}

export interface VerifyBenchResult {
  /** verifyRecord with the public key cached (the KeyObject cache in signing.ts). */
  readonly verifyPerSecond: number;
  readonly signPerSecond: number;
  /** A status record as the reader admits it: YAML parse + schema + signature. */
  readonly admitPerSecond: number;
  readonly yamlParsePerSecond: number;
}

function rate(fn: () => void, ms: number): number {
  let n = 0;
  const t0 = nowMs();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    t = nowMs();
  }
  return (n * 1000) / (t - t0);
}

export function benchVerify(ms = 700): VerifyBenchResult {
  const k = generateKeyPair();
  const now = new Date().toISOString();
  const st: StatusRecord = {
    kind: 'status',
    session: 's01',
    seq: 42,
    updatedAt: now,
    heartbeatAt: now,
    state: 'working',
    phase: 4,
    phaseStartedAt: now,
    blockedOn: [],
    helping: null,
    wantsHelp: false,
    adopted: [],
    attempts: {},
    agents: { running: ['a1'] },
  };
  const signed = signRecord(st, 's01', k.privateKey);
  const text = toYaml(signed);
  verifyRecord(signed, k.publicKey);
  return {
    verifyPerSecond: rate(() => verifyRecord(signed, k.publicKey), ms),
    signPerSecond: rate(() => signRecord(st, 's01', k.privateKey), ms),
    admitPerSecond: rate(
      () => admit(StatusSchema, parseYamlRecord(text, 'status.yaml'), 's01', 'status.yaml', k.publicKey),
      ms,
    ),
    yamlParsePerSecond: rate(() => parseYamlRecord(text, 'status.yaml'), ms),
  };
}

export interface MatrixBenchResult {
  readonly available: boolean;
  readonly note: string;
  readonly sessions: number;
  readonly phases: number;
  readonly modelMs: number;
  readonly serializeMs: number;
}

/**
 * The matrix: the pure part is the model the host sends to the webview (matrixModelOf in
 * src/protocol), plus its JSON (postMessage). The drawing itself (media/matrix.js) needs a
 * DOM: it is timed by the end-to-end tests, not here. Loaded at run time so the bench does
 * not break if the module moves.
 */
export function benchMatrix(sessions: number, runs: number): MatrixBenchResult {
  const file = path.resolve(__dirname, '../src/protocol/matrixModel.js');
  if (!existsSync(file))
    return {
      available: false,
      note: `no pure matrix model (${path.relative(process.cwd(), file)} absent)`,
      sessions,
      phases: 10,
      modelMs: NaN,
      serializeMs: NaN,
    };
  const mod = require(file) as { matrixModelOf?: (v: SwarmView, me: string | null) => unknown };
  if (typeof mod.matrixModelOf !== 'function')
    return {
      available: false,
      note: 'matrixModelOf not exported',
      sessions,
      phases: 10,
      modelMs: NaN,
      serializeMs: NaN,
    };
  const view = computeView(syntheticSnapshot(sessions), new Date());
  const me = view.sessions[0]!.id;
  for (let i = 0; i < 5; i++) JSON.stringify(mod.matrixModelOf(view, me));
  const model: number[] = [];
  const ser: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = nowMs();
    const m = mod.matrixModelOf(view, me);
    model.push(nowMs() - t);
    t = nowMs();
    JSON.stringify(m);
    ser.push(nowMs() - t);
  }
  return {
    available: true,
    note: 'matrixModelOf (src/protocol) + JSON for postMessage; the DOM drawing (media/matrix.js) is not pure: see e2e',
    sessions,
    phases: 10,
    modelMs: median(model),
    serializeMs: median(ser),
  };
}

/** How the view's time grows with sessions: a least-squares line, and the exponent of a power law. */
export interface ViewFit {
  /** t ≈ interceptMs + perSessionMs · N over every size measured. */
  readonly interceptMs: number;
  readonly perSessionMs: number;
  readonly r2: number;
  /** k in t ∝ N^k, fitted on log-log over the sizes ≥ 200 (below that, fixed costs dominate); 1 is linear. */
  readonly exponent: number;
  /** The same fit on each size's fastest sample: a cross-check on the host's noise, not the goal. */
  readonly exponentOfMin: number;
  readonly sizes: readonly number[];
}

export function fitView(views: readonly ViewBenchResult[]): ViewFit | null {
  if (views.length < 3) return null;
  const xs = views.map((v) => v.sessions);
  const ys = views.map((v) => v.medianMs);
  const line = leastSquares(xs, ys);
  const big = views.filter((v) => v.sessions >= 200);
  const power = (ms: (v: ViewBenchResult) => number): number =>
    big.length >= 2
      ? leastSquares(
          big.map((v) => Math.log(v.sessions)),
          big.map((v) => Math.log(ms(v))),
        ).b
      : NaN;
  return {
    interceptMs: line.a,
    perSessionMs: line.b,
    r2: line.r2,
    exponent: power((v) => v.medianMs),
    exponentOfMin: power((v) => v.minMs),
    sizes: xs,
  };
}

function leastSquares(xs: readonly number[], ys: readonly number[]): { a: number; b: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((a, x) => a + x, 0) / n;
  const my = ys.reduce((a, y) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const b = sxx ? sxy / sxx : 0;
  return { a: my - b * mx, b, r2: syy ? (sxy * sxy) / (sxx * syy) : 1 };
}
