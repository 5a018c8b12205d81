import { fitView } from './engine';
import { HOOK_CASES, HookCase } from './hook';
import type { BenchConfig, BenchResults } from './runner';

/** The table `npm run bench` prints: each line a figure, its floor or baseline, and the ratio; then the goals. */
export interface Row {
  readonly measure: string;
  readonly n: string;
  readonly figure: string;
  readonly floor: string;
  readonly ratio: string;
  readonly details: string;
}

export interface Goal {
  readonly goal: string;
  readonly status: 'MET' | 'MISSED' | 'n/a';
  readonly evidence: string;
}

const ms = (x: number): string =>
  Number.isFinite(x) ? (x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`) : '—';
const rt = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—';
const num = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const kb = (x: number): string => (Number.isFinite(x) ? `${(x / 1024).toFixed(0)} KB` : '—');

const HOOK_LABEL: Readonly<Record<HookCase, string>> = {
  'pre-tool': 'PreToolUse of a plain tool',
  'pre-spawn': 'PreToolUse of a sub-agent spawn (takes a slot)',
  'post-metering': 'PostToolUse, metering the transcript',
  'post-release': 'PostToolUse, the result in the transcript (frees the slot)',
};

export function rows(r: BenchResults): Row[] {
  const out: Row[] = [];
  const warmFloor = new Map(r.read.map((x) => [x.sessions, x.warm.floorMs]));
  for (const x of r.read) {
    out.push({
      measure: 'Snapshot read, cold (new reader)',
      n: String(x.sessions),
      figure: ms(x.cold.ms),
      floor: `${ms(x.cold.floorMs)} cat-file`,
      ratio: rt(x.cold.ms, x.cold.floorMs),
      details: `${num(x.cold.requests)} requests / ${num(x.cold.uniqueObjects)} objects, ${kb(x.cold.bytes)}; ${num(x.records)} records in ${num(x.historyCommits)} commits; problems ${x.problems}`,
    });
    if (x.cachedCold)
      out.push({
        measure: 'Snapshot read, new reader + clone cache',
        n: String(x.sessions),
        figure: ms(x.cachedCold.ms),
        floor: `${ms(x.cachedCold.floorMs)} cat-file`,
        ratio: rt(x.cachedCold.ms, x.cachedCold.floorMs),
        details: 'a new s2 process in a clone that has read before (.git/s2/record-cache.json)',
      });
    out.push({
      measure: 'Snapshot read, warm (same reader)',
      n: String(x.sessions),
      figure: ms(x.warm.ms),
      floor: `${ms(x.warm.floorMs)} cat-file`,
      ratio: rt(x.warm.ms, x.warm.floorMs),
      details: `${num(x.warm.requests)} requests / ${num(x.warm.uniqueObjects)} objects`,
    });
  }
  for (const t of r.ticks) {
    const fetch = t.fetchAlone?.wallMs ?? 0;
    const wf = warmFloor.get(t.sessions) ?? NaN;
    for (const [label, f] of [
      ['cold', t.cold],
      ['warm', t.warm],
      ['warm + heartbeat', t.warmHeartbeat],
    ] as const) {
      const floor = fetch + (Number.isFinite(wf) ? wf : 0);
      out.push({
        measure: `Tick ${label}, ${t.topology}`,
        n: String(t.sessions),
        figure: ms(f.wallMs),
        floor: t.fetchAlone ? `${ms(floor)} fetch+read floor` : `${ms(floor)} read floor`,
        ratio: rt(f.wallMs, floor),
        details: `CPU ${ms(f.nodeCpuMs)} node + ${ms(f.childCpuMs)} git; ${f.processes} proc, ${f.fetches} fetch, ${kb(f.bytesRead)} read${label === 'warm + heartbeat' ? `; beyond fetch ${ms(t.beyondFetchCpuMs)} CPU` : ''}${f.heartbeat ? '' : label !== 'warm' ? ' (no heartbeat!)' : ''}`,
      });
    }
  }
  for (const n of [...new Set(r.contention.map((c) => c.writers))]) {
    const s2 = r.contention.find((c) => c.writers === n && c.scheme === 'per-session branches');
    const sh = r.contention.find((c) => c.writers === n && c.scheme === 'one shared branch');
    if (!s2 || !sh) continue;
    out.push({
      measure: 'Push contention: wall time',
      n: String(n),
      figure: ms(s2.wallMs),
      floor: `${ms(sh.wallMs)} shared${sh.hitDeadline ? ' (deadline)' : ''}`,
      ratio: rt(s2.wallMs, sh.wallMs),
      details: `${s2.rounds} updates each; landed/s ${s2.landedPerSecond.toFixed(1)} vs ${sh.landedPerSecond.toFixed(2)}; update p50 ${ms(s2.updateLatencyMs.p50)} vs ${ms(sh.updateLatencyMs.p50)}`,
    });
    out.push({
      measure: 'Push contention: rejected pushes',
      n: String(n),
      figure: String(s2.rejectedPushes),
      floor: `${sh.rejectedPushes} shared`,
      ratio: '—',
      details: `of ${s2.attemptedPushes} vs ${sh.attemptedPushes} pushes; shared: ${sh.conflicts} rebase conflicts ("keep mine")`,
    });
    out.push({
      measure: 'Push contention: lost updates',
      n: String(n),
      figure: String(s2.lostUpdates),
      floor: `${sh.lostUpdates} shared`,
      ratio: '—',
      details: `acknowledged ${s2.acknowledged} vs ${sh.acknowledged}; landed ${s2.landed} vs ${sh.landed}; shared rows regressed ${sh.regressions}×`,
    });
    out.push({
      measure: 'Push contention: starved writers',
      n: String(n),
      figure: String(s2.starved),
      floor: `${sh.starved} shared`,
      ratio: '—',
      details: `landed nothing: ${s2.landedNothing} vs ${sh.landedNothing}; deadline ${Math.round(sh.deadlineMs / 1000)} s`,
    });
  }
  for (const a of r.alerts) {
    out.push({
      measure: `Alert latency (block seen), ${a.topology}`,
      n: String(a.sessions),
      figure: `p50 ${ms(a.blockSeenMs.p50)}`,
      floor: `${ms(a.expectedWaitMs)} mean wait`,
      ratio: rt(a.blockSeenMs.p50, a.expectedWaitMs),
      details: `p90 ${ms(a.blockSeenMs.p90)}, max ${ms(a.blockSeenMs.max)}, n=${a.blockSeenMs.n}; ${a.topology === 'worktree' ? `probe ${a.polling['probeSeconds']} s` : `interval ${a.polling['intervalSeconds']} s`}; s2 block ${ms(a.commandMs.p50)}; timeouts ${a.timeouts}`,
    });
    out.push({
      measure: `Alert latency (unblock seen), ${a.topology}`,
      n: String(a.sessions),
      figure: `p50 ${ms(a.unblockSeenMs.p50)}`,
      floor: `${ms(a.expectedWaitMs)} mean wait`,
      ratio: rt(a.unblockSeenMs.p50, a.expectedWaitMs),
      details: `p90 ${ms(a.unblockSeenMs.p90)}, max ${ms(a.unblockSeenMs.max)}; BLOCKING event at the blocked-on session p50 ${ms(a.blockingEventMs.p50)}`,
    });
  }
  const rl = r.remote;
  if (rl) {
    const per = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}/min` : '—');
    const scaled = rl.timeScale === 1 ? '' : ` (time ×${rl.timeScale}: per ${60 * rl.timeScale} s)`;
    out.push({
      measure: 'Shared remote: requests per idle session',
      n: String(rl.sessions),
      figure: per(rl.idle.perSessionPerMinute),
      floor: `${per(rl.fixedScheduleModel)} fixed schedule`,
      ratio: rt(rl.idle.perSessionPerMinute, rl.fixedScheduleModel),
      details: `git daemon log, ${Math.round(rl.measureMs / 1000)} s window after ${Math.round(rl.quietMs / 1000)} s of quiet${scaled}: fetches ${per(rl.idle.fetchesPerSessionPerMinute)}, pushes ${per(rl.idle.pushesPerSessionPerMinute)}; floor computed (ls-remote every probe + fetch every interval + heartbeat push + a fetch per other's heartbeat)`,
    });
    out.push({
      measure: 'Shared remote: first change after quiet seen',
      n: String(rl.sessions),
      figure: `p50 ${ms(rl.firstChangeMs.p50)}`,
      floor: `${ms((rl.polling['probeMaxSeconds'] ?? 60) * 1000)} cap`,
      ratio: rt(rl.firstChangeMs.max, (rl.polling['probeMaxSeconds'] ?? 60) * 1000),
      details: `max ${ms(rl.firstChangeMs.max)}, n=${rl.firstChangeMs.n}; each session its own S2_HOME (no machine hint); ratio is max / cap`,
    });
    out.push({
      measure: 'Shared remote: change seen, busy swarm',
      n: String(rl.sessions),
      figure: `p50 ${ms(rl.busy.seenMs.p50)}`,
      floor: `${ms((rl.polling['probeSeconds'] ?? 5) * 500)} half a probe`,
      ratio: rt(rl.busy.seenMs.p50, (rl.polling['probeSeconds'] ?? 5) * 500),
      details: `p90 ${ms(rl.busy.seenMs.p90)}, max ${ms(rl.busy.seenMs.max)}, n=${rl.busy.seenMs.n}, unseen ${rl.busy.timeouts}; ${rl.busy.changes} changes ${ms(rl.busy.changeEveryMs)} apart; ${per(rl.busy.perSessionPerMinute)} requests per session while busy`,
    });
  }
  for (const v of r.engine.views) {
    const j = r.engine.snapshotJsonMs[String(v.sessions)] ?? NaN;
    out.push({
      measure: 'computeView (synthetic snapshot)',
      n: String(v.sessions),
      figure: ms(v.medianMs),
      floor: `${ms(j)} JSON of snapshot`,
      ratio: rt(v.medianMs, j),
      details: `median of ${v.runs} interleaved rounds (minor GC before each), middle half ${ms(v.q1Ms)}–${ms(v.q3Ms)}, min ${ms(v.minMs)}; ${v.violations} violations, ${v.blockers} blockers`,
    });
  }
  if (r.engine.verify) {
    const v = r.engine.verify;
    out.push({
      measure: 'Signature verification (cached key)',
      n: '—',
      figure: `${num(v.verifyPerSecond)}/s`,
      floor: '12,600/s RECIPES',
      ratio: rt(v.verifyPerSecond, 12_600),
      details: `sign ${num(v.signPerSecond)}/s`,
    });
    out.push({
      measure: 'Record admission (YAML+schema+verify)',
      n: '—',
      figure: `${num(v.admitPerSecond)}/s`,
      floor: `${num(v.verifyPerSecond)}/s verify`,
      ratio: rt(v.admitPerSecond, v.verifyPerSecond),
      details: `YAML parse alone ${num(v.yamlParsePerSecond)}/s`,
    });
  }
  for (const c of r.cli) {
    out.push({
      measure: 's2 status (new process)',
      n: String(c.sessions),
      figure: ms(c.statusMs),
      floor: `${ms(c.nodeStartMs)} node -e ''`,
      ratio: rt(c.statusMs, c.nodeStartMs),
      details: c.available
        ? `s2 --version ${ms(c.versionMs)}; first call after a build (no code cache) ${ms(c.firstCallMs)}; median of ${c.runs}; exit ${c.exitCode}`
        : c.note,
    });
  }
  for (const h of r.hooks) {
    for (const c of HOOK_CASES)
      out.push({
        measure: `s2 hook claude, ${HOOK_LABEL[c]}`,
        n: String(h.sessions),
        figure: h.available ? ms(h.ms[c]) : 'skipped',
        floor: `${ms(h.nodeStartMs)} node -e ''`,
        ratio: rt(h.ms[c], h.nodeStartMs),
        details: h.available
          ? `median of ${h.runs}, interleaved with node -e ''; wrong answers ${h.wrongAnswers}`
          : h.note,
      });
  }
  const b = r.extension.bundle;
  if (b)
    out.push({
      measure: 'Extension bundle dist/extension.js',
      n: '—',
      figure: b.available ? kb(b.bytes) : 'skipped',
      floor: '—',
      ratio: '—',
      details: b.available ? `${kb(b.gzipBytes)} gzipped; ${b.note}` : b.note,
    });
  const m = r.extension.matrix;
  if (m)
    out.push({
      measure: `Matrix model ${m.sessions}×${m.phases} cells`,
      n: String(m.sessions),
      figure: m.available ? ms(m.modelMs + m.serializeMs) : 'skipped',
      floor: '16.7 ms frame',
      ratio: m.available ? rt(m.modelMs + m.serializeMs, 16.7) : '—',
      details: m.available ? `model ${ms(m.modelMs)} + JSON ${ms(m.serializeMs)}; ${m.note}` : m.note,
    });
  out.push({
    measure: 'Extension activation',
    n: '—',
    figure: 'see e2e',
    floor: '—',
    ratio: '—',
    details: r.extension.activation,
  });
  return out;
}

export function goals(r: BenchResults, cfg: Pick<BenchConfig, 'readSizes'>): Goal[] {
  const out: Goal[] = [];
  const reads = r.read.filter((x) => cfg.readSizes.includes(x.sessions));
  if (reads.length) {
    const worst = reads.reduce((a, b) => (b.cold.ratio > a.cold.ratio ? b : a));
    out.push({
      goal: 'Snapshot read (cold, new reader, no cache) within 3× of the bare cat-file floor at every N',
      status: reads.every((x) => x.cold.ratio <= 3) ? 'MET' : 'MISSED',
      evidence:
        reads
          .map(
            (x) =>
              `N=${x.sessions}: ${x.cold.ratio.toFixed(2)}× (${x.cold.ms.toFixed(0)} / ${x.cold.floorMs.toFixed(0)} ms)`,
          )
          .join(', ') +
        ` (worst N=${worst.sessions}); warm read: ${reads.map((x) => `${x.warm.ratio.toFixed(2)}×`).join(', ')}`,
    });
    const cached = reads.filter((x) => x.cachedCold);
    out.push({
      goal: "Snapshot read with the clone's record cache (a new s2 process) within 1.3× of the cat-file floor at every N",
      status: cached.length === reads.length && cached.every((x) => x.cachedCold!.ratio <= 1.3) ? 'MET' : 'MISSED',
      evidence: cached
        .map((x) => `N=${x.sessions}: ${x.cachedCold!.ratio.toFixed(2)}× (${x.cachedCold!.ms.toFixed(0)} ms)`)
        .join(', '),
    });
  } else out.push({ goal: 'Snapshot read within 3× of the cat-file floor', status: 'n/a', evidence: 'not run' });
  const t50 = r.ticks.filter((t) => t.sessions === 50);
  if (t50.length) {
    const warm = t50.flatMap((t) => [t.warm, t.warmHeartbeat]);
    const fetches = Math.max(...warm.map((w) => w.fetches));
    const procs = Math.max(...warm.map((w) => w.processes));
    const cpu = Math.max(
      ...t50.map((t) => t.beyondFetchCpuMs),
      ...t50.map((t) => t.warm.nodeCpuMs + Math.max(0, t.warm.childCpuMs - (t.fetchAlone?.childCpuMs ?? 0))),
    );
    out.push({
      goal: 'Tick at 50 sessions (warm): ≤ 1 fetch, ≤ 3 child processes, < 150 ms CPU beyond the fetch',
      status: fetches <= 1 && procs <= 3 && cpu < 150 ? 'MET' : 'MISSED',
      evidence: `fetches ${fetches}, processes ${procs}, CPU beyond the fetch ${cpu.toFixed(0)} ms (worst of warm ticks, both topologies, heartbeat due or not); cold ticks: ${t50.map((t) => `${t.topology} ${t.cold.processes} proc, ${(t.cold.nodeCpuMs + t.cold.childCpuMs).toFixed(0)} ms CPU`).join('; ')}`,
    });
  } else out.push({ goal: 'Tick at 50 sessions', status: 'n/a', evidence: 'not run at 50' });
  const c50 = r.contention.find((c) => c.writers === 50 && c.scheme === 'per-session branches');
  out.push(
    c50
      ? {
          goal: 'Per-session branches at 50 concurrent writers: zero rejected pushes, zero lost updates',
          status: c50.rejectedPushes === 0 && c50.lostUpdates === 0 && c50.starved === 0 ? 'MET' : 'MISSED',
          evidence: `rejected ${c50.rejectedPushes} of ${c50.attemptedPushes}, lost ${c50.lostUpdates}, acknowledged ${c50.acknowledged}, landed ${c50.landed}, starved ${c50.starved}`,
        }
      : { goal: 'Per-session branches at 50 writers', status: 'n/a', evidence: 'not run at 50' },
  );
  const s50 = r.cli.find((c) => c.sessions === 50 && c.available);
  out.push(
    s50
      ? {
          goal: "s2 status within 2× of the runtime's own start at 50 sessions",
          status: s50.ratio <= 2 ? 'MET' : 'MISSED',
          evidence: `${s50.statusMs.toFixed(0)} ms vs node -e '' ${s50.nodeStartMs.toFixed(0)} ms = ${s50.ratio.toFixed(2)}× (bundle load alone: ${s50.versionMs.toFixed(0)} ms; first call after a build, no code cache: ${s50.firstCallMs.toFixed(0)} ms)`,
        }
      : { goal: 's2 status at 50 sessions', status: 'n/a', evidence: 'not run at 50' },
  );
  const hooks = r.hooks.filter((h) => h.available && (h.sessions === 7 || h.sessions === 50));
  for (const c of HOOK_CASES)
    out.push(
      hooks.length
        ? {
            goal: `s2 hook claude, ${HOOK_LABEL[c]}, at 7 and 50 sessions: ≤ 1.3× node -e ''`,
            status: hooks.every((h) => h.ratio[c] <= 1.3 && h.wrongAnswers === 0) ? 'MET' : 'MISSED',
            evidence: hooks
              .map(
                (h) =>
                  `N=${h.sessions}: ${h.ms[c].toFixed(0)} ms vs ${h.nodeStartMs.toFixed(0)} ms = ${h.ratio[c].toFixed(2)}×${h.wrongAnswers ? ` (${h.wrongAnswers} wrong answers)` : ''}`,
              )
              .join('; '),
          }
        : { goal: `s2 hook claude, ${HOOK_LABEL[c]}`, status: 'n/a', evidence: 'not run at 7 or 50' },
    );
  const v1000 = r.engine.views.find((v) => v.sessions === 1000);
  out.push(
    v1000
      ? {
          goal: 'View computation for 1000 sessions × 10 phases under 50 ms',
          status: v1000.medianMs < 50 ? 'MET' : 'MISSED',
          evidence: `median ${v1000.medianMs.toFixed(1)} ms over ${v1000.runs} runs (min ${v1000.minMs.toFixed(1)} ms)`,
        }
      : { goal: 'View for 1000 sessions', status: 'n/a', evidence: 'not run at 1000' },
  );
  const fit = fitView(r.engine.views);
  out.push(
    fit && fit.sizes.some((n) => n >= 5000)
      ? {
          goal: 'View linear in sessions (fit from 7 to 5000: exponent of t ∝ N^k at most 1.15 over N ≥ 200)',
          status: fit.exponent <= 1.15 ? 'MET' : 'MISSED',
          evidence: `k = ${fit.exponent.toFixed(2)} (on the minima: ${fit.exponentOfMin.toFixed(2)}); least squares t ≈ ${fit.interceptMs.toFixed(1)} ms + ${(fit.perSessionMs * 1000).toFixed(1)} µs × N (R² ${fit.r2.toFixed(3)}); ${r.engine.views.map((v) => `${v.sessions}: ${v.medianMs.toFixed(1)} ms`).join(', ')}`,
        }
      : { goal: 'View linear in sessions (7 to 5000)', status: 'n/a', evidence: 'not run up to 5000 sessions' },
  );
  const rl = r.remote;
  if (!rl) out.push({ goal: 'Load on a shared remote', status: 'n/a', evidence: 'not run' });
  else {
    const full = rl.timeScale === 1;
    out.push({
      goal: 'Shared remote: ≤ 3 requests a minute per idle session after a minute of quiet',
      status: !full ? 'n/a' : rl.idle.perSessionPerMinute <= 3 ? 'MET' : 'MISSED',
      evidence: `${rl.idle.perSessionPerMinute.toFixed(2)}/min (fetches ${rl.idle.fetchesPerSessionPerMinute.toFixed(2)}, heartbeat pushes ${rl.idle.pushesPerSessionPerMinute.toFixed(2)}) at ${rl.sessions} sessions, counted by git daemon; the fixed schedule: ${rl.fixedScheduleModel.toFixed(0)}/min${full ? '' : `; scaled run (time ×${rl.timeScale})`}`,
    });
    out.push({
      goal: 'Shared remote: a change seen by every other session in ≤ 5 s median, busy swarm',
      status: !full ? 'n/a' : rl.busy.seenMs.p50 <= 5000 && rl.busy.seenMs.n > 0 ? 'MET' : 'MISSED',
      evidence: `p50 ${rl.busy.seenMs.p50.toFixed(0)} ms, p90 ${rl.busy.seenMs.p90.toFixed(0)} ms over ${rl.busy.seenMs.n} (change, session) pairs, ${rl.busy.timeouts} unseen before superseded; first change after quiet: p50 ${rl.firstChangeMs.p50.toFixed(0)} ms, max ${rl.firstChangeMs.max.toFixed(0)} ms (cap ${rl.polling['probeMaxSeconds']} s)`,
    });
  }
  out.push({
    goal: 'Whole run under 10 minutes on this machine',
    status: r.totalMs < 600_000 ? 'MET' : 'MISSED',
    evidence: `${(r.totalMs / 1000).toFixed(0)} s on ${r.machine.cpus} cores; load average ${r.machine.loadAvgStart.map((x) => x.toFixed(1)).join('/')} at start, ${r.machine.loadAvgEnd.map((x) => x.toFixed(1)).join('/')} at end`,
  });
  return out;
}

export function formatTable(rs: readonly Row[]): string {
  const head: Row = {
    measure: 'Measure',
    n: 'N',
    figure: 'Figure',
    floor: 'Floor / baseline',
    ratio: 'Ratio',
    details: 'Details',
  };
  const cols: (keyof Row)[] = ['measure', 'n', 'figure', 'floor', 'ratio', 'details'];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[head, ...rs].map((r) => r[c].length))])) as Record<
    keyof Row,
    number
  >;
  const line = (r: Row): string =>
    cols
      .map((c) =>
        c === 'details' ? r[c] : c === 'n' || c === 'ratio' ? r[c].padStart(width[c]) : r[c].padEnd(width[c]),
      )
      .join('  ')
      .trimEnd();
  return [line(head), cols.map((c) => '-'.repeat(c === 'details' ? 7 : width[c])).join('  '), ...rs.map(line)].join(
    '\n',
  );
}

export function formatGoals(gs: readonly Goal[]): string {
  return gs.map((g) => `${g.status.padEnd(6)}  ${g.goal}\n        ${g.evidence}`).join('\n');
}
