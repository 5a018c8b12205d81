import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { SwarmView } from '../../src/core/viewTypes';
import { SwarmFixture } from '../helpers/gitFixture';
import { runAction } from './actions';
import { auditSwarm, AuditResult } from './audit';
import { FailedExpectation, newTally, RunContext, T0 } from './context';
import { observe } from './observe';
import type { Detection, Scale, Scenario } from './types';

/**
 * Runs one scenario in real git: build the swarm, play the ticks (each followed by the
 * observer's view), then audit the repository and judge every expectation.
 */
export const SCENARIO_DIR = path.resolve(__dirname, '../../../test/redteam/scenarios');

export interface DetectionResult extends Detection {
  readonly firstTick: number | null;
  readonly finalCount: number | null;
  readonly ok: boolean;
}

export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly threat: string;
  readonly sessions: number;
  readonly ticks: number;
  readonly detections: readonly DetectionResult[];
  readonly failures: readonly FailedExpectation[];
  readonly audit: AuditResult | null;
  readonly notes: readonly string[];
  readonly refusals: number;
  /** Violations more than once in the final view that are not known gaps. */
  readonly duplicates: readonly string[];
  readonly ms: number;
  readonly error: string | null;
  /** Every expectation that is not a known gap held, and nothing was lost. */
  readonly passed: boolean;
}

/** Replace every `{ full: X, ci: Y }` by the value for `scale`. */
export function atScale(value: unknown, scale: Scale): unknown {
  if (Array.isArray(value)) return value.map((v) => atScale(v, scale));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 2 && 'full' in o && 'ci' in o) return o[scale];
    return Object.fromEntries(keys.map((k) => [k, atScale(o[k], scale)]));
  }
  return value;
}

export function loadScenarios(scale: Scale, only: readonly string[] = [], dir = SCENARIO_DIR): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => atScale(parse(readFileSync(path.join(dir, f), 'utf8')), scale) as Scenario)
    .filter((s) => only.length === 0 || only.includes(s.name));
}

function manifestText(sc: Scenario, log: string): string {
  const g = sc.generate;
  const generated = g
    ? Array.from(
        { length: g.count },
        (_, i) =>
          `  ${g.prefix ?? 's'}${String(i + 1).padStart(2, '0')}:\n    phaseCount: ${g.phaseCount ?? 2}\n${g.body ?? ''}`,
      ).join('')
    : '';
  return sc.manifest.replace(/^[ \t]*\{\{sessions\}\}[ \t]*\n?/m, generated).replace(/\{\{log\}\}/g, log);
}

const VIEW_CODE = /^[A-Z_]+$/;

function judgeDetection(d: Detection, ctx: RunContext, finalView: SwarmView | null): DetectionResult {
  const key = [d.code, d.session, d.ref].filter((x) => x !== undefined).join(':');
  const firstTick = ctx.detected.get(key) ?? null;
  let ok =
    firstTick !== null &&
    (d.by === undefined || firstTick <= d.by) &&
    (d.notBefore === undefined || firstTick >= d.notBefore);
  let finalCount: number | null = null;
  const inView = VIEW_CODE.test(d.code) && finalView?.violations.some((v) => v.code === d.code);
  if (finalView && (d.final === true || (d.final === undefined && inView))) {
    finalCount = finalView.violations.filter(
      (v) =>
        v.code === d.code &&
        (d.session === undefined || v.session === d.session) &&
        (d.ref === undefined || v.ref === d.ref),
    ).length;
    if (finalCount !== (d.count ?? 1)) ok = false;
  }
  return { ...d, firstTick, finalCount, ok };
}

export async function runScenario(
  sc: Scenario,
  scale: Scale,
  log: (line: string) => void = () => undefined,
): Promise<ScenarioResult> {
  const started = Date.now();
  const execLog = path.join(os.tmpdir(), `s2-redteam-${process.pid}-${sc.name}-${Date.now()}.log`);
  let f: SwarmFixture | null = null;
  let ctx: RunContext | null = null;
  let finalView: SwarmView | null = null;
  let audit: AuditResult | null = null;
  let error: string | null = null;
  const seenCodes = new Set<string>();
  try {
    f = await SwarmFixture.create(sc.topology, manifestText(sc, execLog));
    ctx = {
      f,
      scale,
      log: execLog,
      observer: sc.observer ?? f.sessions[0]!,
      tick: 0,
      nowIso: new Date(T0).toISOString(),
      tally: newTally(),
      detected: new Map(),
      failures: [],
      notes: [],
      acked: new Map(),
    };
    for (let i = 0; i < sc.ticks.length; i++) {
      const t = sc.ticks[i]!;
      ctx.tick = i + 1;
      ctx.nowIso = new Date(T0 + (t.at ?? i * 30) * 1000).toISOString();
      for (const a of t.do) await runAction(ctx, a);
      finalView = await observe(ctx);
      for (const v of finalView.violations) seenCodes.add(v.code);
      log(
        `  tick ${ctx.tick} (${t.note ?? ''}): ${[...new Set(finalView.violations.map((v) => `${v.code}:${v.session}`))].join(' ') || 'no violations'}`,
      );
    }
    for (const code of sc.expect.absent ?? [])
      if (seenCodes.has(code))
        ctx.failures.push({ tick: ctx.tick, what: `${code} appeared, but the scenario must not raise it` });
    audit = auditSwarm(ctx, finalView!, sc.expect);
  } catch (e) {
    error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  } finally {
    f?.cleanup();
    rmSync(execLog, { force: true });
  }
  const known = sc.expect.knownDuplicates ?? {};
  const knownKey = (d: string): string | undefined => Object.keys(known).find((k) => d.startsWith(k));
  const counted = (d: string): boolean =>
    sc.expect.detect.some(
      (x) => x.count !== undefined && d.startsWith(`${x.code}|${x.session ?? ''}`) && d.endsWith(`×${x.count}`),
    );
  const duplicates = (audit?.duplicates ?? []).filter((d) => !knownKey(d) && !counted(d));
  for (const d of audit?.duplicates ?? [])
    if (knownKey(d) && ctx)
      ctx.failures.push({
        tick: ctx.tick,
        what: `reported more than once in the final view: ${d}`,
        gap: known[knownKey(d)!]!,
      });
  const detections = ctx ? sc.expect.detect.map((d) => judgeDetection(d, ctx!, finalView)) : [];
  const failures = ctx?.failures ?? [];
  const hard = failures.filter((x) => !x.gap);
  const passed =
    !error &&
    hard.length === 0 &&
    detections.every((d) => d.ok || d.gap) &&
    !!audit &&
    audit.lost === 0 &&
    audit.unpublished === 0 &&
    duplicates.length === 0 &&
    audit.problems.length === 0;
  return {
    name: sc.name,
    title: sc.title,
    threat: sc.threat ?? '',
    sessions: f?.sessions.length ?? 0,
    ticks: sc.ticks.length,
    detections,
    failures,
    audit,
    notes: ctx?.notes ?? [],
    refusals: ctx?.tally.refusals ?? 0,
    duplicates,
    ms: Date.now() - started,
    error,
    passed,
  };
}
