import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { collectRecords, type SwarmRecords } from './swarmRecords';
import { git, seedSwarm, type Seeded } from './swarmSeed';
import { S2Cli } from './s2Cli';
import { SESSIONS, type RunSettings } from './swarmPlan';

/**
 * One whole swarm in real git: seed the repository (manifest through `s2 init`, the
 * instructions, a worktree or a clone of a bare remote per session), start one stand-in
 * session per session (each runs its own `s2 poll` loop with the stand-in agent as the
 * executor), play the person (approve a budget, restart killed sessions) and the faults,
 * and stop when every phase of every session is complete — or at the timeout.
 */
export interface AgentEvent {
  readonly t: number;
  readonly session: string;
  readonly kind: string;
  readonly [k: string]: unknown;
}

export interface RunResult {
  readonly settings: RunSettings;
  readonly durations: Record<string, number>;
  readonly t0: number;
  readonly t1: number;
  readonly finished: boolean;
  readonly events: readonly AgentEvent[];
  readonly records: SwarmRecords;
  /** Violation codes seen in any status read during the run (once per code, session and phase). */
  readonly violationsSeen: Readonly<Record<string, number>>;
  readonly finalViolations: readonly { code: string; severity: string; message: string }[];
  readonly duplicates: number;
  /** What the person and the fault injector did, with times. */
  readonly interventions: readonly { t: number; what: string }[];
  readonly incompletePhases: readonly string[];
  /** Phases whose state differs between a fresh read and a read through the record cache. */
  readonly cacheDisagrees: readonly string[];
  readonly root: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The sessions' processes, the person, and the fault injector. */
class Swarm {
  private readonly procs = new Map<string, ChildProcess>();
  private eventsOffset = 0;
  readonly events: AgentEvent[] = [];
  readonly interventions: { t: number; what: string }[] = [];
  readonly violationsSeen: Record<string, number> = {};
  private readonly seenMessages = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly triggered = new Set<string>();
  private approvalPending = false;
  private silentDone = false;
  private silentSince = 0;

  constructor(
    private readonly s: Seeded,
    private readonly log: (l: string) => void,
  ) {}

  private get scale(): number {
    return this.s.cfg.settings.scale;
  }

  start(id: string): void {
    const agent = path.join(__dirname, 'standInAgent.js');
    const p = spawn(process.execPath, [agent, 'session'], {
      cwd: this.s.dirs.get(id)!,
      env: { ...this.s.env, S2_SESSION: id },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    p.stderr!.on('data', (b: Buffer) => this.log(`[${id}] ${b.toString('utf8').trimEnd()}`));
    this.procs.set(id, p);
  }

  /** SIGKILL the session's runtime, its loop and its executor run: a crash, not a shutdown. */
  kill(id: string): void {
    const p = this.procs.get(id);
    if (p?.pid) killGroup(p.pid);
    const pidFile = path.join(this.s.cfg.runDir, `${id}.work.pid`);
    if (existsSync(pidFile)) killGroup(Number(readFileSync(pidFile, 'utf8')));
    this.procs.delete(id);
  }

  note(what: string): void {
    this.interventions.push({ t: Date.now(), what });
    this.log(`  ${what}`);
  }

  later(modelSeconds: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, modelSeconds * this.scale * 1000));
  }

  readEvents(): AgentEvent[] {
    const file = path.join(this.s.cfg.runDir, 'events.jsonl');
    if (!existsSync(file)) return [];
    const text = readFileSync(file, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    const fresh = text
      .slice(this.eventsOffset, end)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AgentEvent);
    this.eventsOffset = end;
    this.events.push(...fresh);
    return fresh;
  }

  /** The fault injector reacts to the agents' own reports of the work they started. */
  /**
   * The fault injector reacts to the agents' own reports: the kill and the silence strike
   * right after the first committed step of their phase (read every 250 ms), so they land
   * mid-phase however fast the phase runs, and a restart has committed work to resume.
   */
  injectFaults(fresh: readonly AgentEvent[]): void {
    const f = this.s.cfg.faults;
    const v1 = this.s.cfg.settings.mode === 'v1';
    for (const e of fresh) {
      if (e.kind !== 'work-step' || e.session !== String(e['ref']).split(':')[0]) continue;
      const ref = String(e['ref']);
      if (ref === `${f.kill.session}:${f.kill.phase}` && !this.triggered.has('kill')) {
        this.triggered.add('kill');
        this.kill(f.kill.session);
        this.note(`killed ${f.kill.session} (loop and agent, SIGKILL) mid-phase ${ref}`);
        this.later(f.kill.restartAfter, () => {
          this.start(f.kill.session);
          this.note(`restarted ${f.kill.session}`);
        });
      }
      if (ref === `${f.silent.session}:${f.silent.phase}` && !this.triggered.has('silent')) {
        this.triggered.add('silent');
        this.kill(f.silent.session);
        this.silentSince = Date.now();
        this.note(`${f.silent.session} went silent mid-phase ${ref}`);
        // v1 had no adoption: a person notices the silent session only after maxSilence.
        this.later(f.silent.maxSilence, () => this.endSilence(v1 ? 'a person restarted it' : 'nobody adopted it'));
      }
    }
  }

  endSilence(why: string): void {
    if (this.silentDone) return;
    this.silentDone = true;
    this.start(this.s.cfg.faults.silent.session);
    this.note(`${this.s.cfg.faults.silent.session} is back (${why})`);
  }

  /** The person: reads `s2 status`, approves a spent budget after a while, brings the silent session back once adopted. */
  async person(cli: S2Cli): Promise<{ done: boolean; view: StatusView | null }> {
    const r = this.s.cfg.settings.topology === 'remote' ? await cli.statusFetched() : await cli.status();
    if (r.code !== 0) return { done: false, view: null };
    const view = JSON.parse(r.stdout) as StatusView;
    for (const v of view.violations) {
      // One violation per code, session and phase: a message that carries an age changes every read.
      const key = `${v.code} ${v.session ?? ''} ${v.ref ?? ''}`;
      if (this.seenMessages.has(key)) continue;
      this.seenMessages.add(key);
      this.violationsSeen[v.code] = (this.violationsSeen[v.code] ?? 0) + 1;
    }
    const b = this.s.cfg.faults.budget;
    const spent = view.sessions.find((x) => x.id === b.session);
    // The person approves each time the budget stops the session (as a person would): help and
    // waits spend by the clock, so on a loaded machine one raise may not carry it to the end.
    if (spent && spent.budgetFraction >= 1 && !this.approvalPending && this.s.cfg.settings.mode !== 'v1') {
      this.approvalPending = true;
      const usd = Math.ceil(spent.spendUsd - spent.budgetUsd) + 20;
      this.note(`${b.session} hit its budget ($${spent.spendUsd.toFixed(2)} of $${spent.budgetUsd})`);
      this.later(b.approveAfter, () => {
        void cli.approve(b.session, usd).then((a) => {
          this.note(`owner approved $${usd} more for ${b.session} (s2 approve exit ${a.code})`);
          this.approvalPending = false;
        });
      });
    }
    const f = this.s.cfg.faults.silent;
    const silentPhase = view.sessions.find((x) => x.id === f.session)?.phases[f.phase - 1];
    if (this.silentSince && !this.silentDone && silentPhase && ['done', 'verified'].includes(silentPhase.state))
      this.later(30, () => this.endSilence(`its phase ${f.phase} was adopted and completed`));
    const done = view.sessions.every((x) => x.completedPhases >= x.phaseCount);
    return { done, view };
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    const exits = [...this.procs.values()].map(
      (p) => new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r()))),
    );
    // SIGTERM to the runtime alone: it stops its loop, which finishes its tick and closes its
    // git processes. A signal to the whole group would kill the loop's cat-file mid-read.
    for (const p of this.procs.values()) if (p.pid) p.kill('SIGTERM');
    await Promise.race([Promise.all(exits), sleep(15_000)]);
    for (const p of this.procs.values()) if (p.pid && p.exitCode === null) killGroup(p.pid);
    for (const id of SESSIONS) {
      const pidFile = path.join(this.s.cfg.runDir, `${id}.work.pid`);
      if (existsSync(pidFile)) killGroup(Number(readFileSync(pidFile, 'utf8')));
    }
    this.procs.clear();
  }
}

export interface StatusView {
  readonly violations: readonly { code: string; severity: string; message: string; session?: string; ref?: string }[];
  readonly sessions: readonly {
    id: string;
    completedPhases: number;
    phaseCount: number;
    budgetFraction: number;
    spendUsd: number;
    budgetUsd: number;
    phases: readonly { state: string }[];
  }[];
}

function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export async function runSwarm(
  settings: RunSettings,
  log: (l: string) => void = () => undefined,
  opts: { keep?: boolean } = {},
): Promise<RunResult> {
  const s = seedSwarm(settings);
  const swarm = new Swarm(s, log);
  const person = new S2Cli(s.cfg.cli, s.observer, s.env, null);
  const t0 = Date.now();
  log(`swarm run ${settings.mode} seed ${settings.seed} in ${s.root}`);
  for (const id of SESSIONS) swarm.start(id);
  const faultTimer = setInterval(() => swarm.injectFaults(swarm.readEvents()), 250);
  let finished = false;
  let view: StatusView | null = null;
  let doneView: StatusView | null = null;
  // Ctrl-C stops the sessions too: they run in process groups of their own.
  let interrupted = false;
  const interrupt = (): void => void (interrupted = true);
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const deadline = t0 + settings.timeoutSeconds * 1000;
    while (Date.now() < deadline && !interrupted) {
      await sleep(Math.max(2000, 60 * settings.scale * 1000));
      const p = await swarm.person(person);
      if (p.view) view = p.view;
      if (p.done) {
        finished = true;
        doneView = p.view;
        break;
      }
    }
  } finally {
    clearInterval(faultTimer);
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await swarm.stop();
  }
  if (interrupted) throw new Error(`interrupted; the run is in ${s.root}`);
  const t1 = Date.now();
  swarm.readEvents();
  if (settings.topology === 'remote') git(s.observer, 'fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*');
  const records = collectRecords(s.observer, SESSIONS, settings.topology === 'remote' ? 'origin/' : '');
  // The final read parses every record afresh (no record cache), so the audit does not
  // depend on what any earlier process cached.
  const final = await new S2Cli(s.cfg.cli, s.observer, { ...s.env, S2_NO_CACHE: '1' }, null).status();
  const finalView = final.code === 0 ? (JSON.parse(final.stdout) as StatusView) : view;
  // The same read through the clone's record cache must say the same.
  const cached = await person.status();
  const cacheDisagrees: string[] = [];
  if (cached.code === 0 && finalView) {
    const cv = JSON.parse(cached.stdout) as StatusView;
    for (const x of finalView.sessions)
      x.phases.forEach((ph, i) => {
        const other = cv.sessions.find((y) => y.id === x.id)?.phases[i]?.state;
        if (other !== ph.state) cacheDisagrees.push(`${x.id}:${i + 1} ${ph.state} (cached: ${other})`);
      });
  }
  const conflicts = await new S2Cli(s.cfg.cli, s.dirs.get(SESSIONS[0])!, s.env, SESSIONS[0]).conflicts();
  let duplicates: number;
  try {
    duplicates = (JSON.parse(conflicts.stdout) as { duplicates: unknown[] }).duplicates.length;
  } catch {
    duplicates = -1;
  }
  const incompletePhases: string[] = [];
  for (const id of SESSIONS)
    for (let n = 1; n <= settings.phases; n++) {
      const st = finalView?.sessions.find((x) => x.id === id)?.phases[n - 1]?.state;
      if (!st || !['done', 'verified'].includes(st)) incompletePhases.push(`${id}:${n} (${st ?? 'unknown'})`);
    }
  const result: RunResult = {
    settings,
    durations: s.cfg.durations,
    t0,
    t1,
    finished,
    events: swarm.events,
    records,
    violationsSeen: swarm.violationsSeen,
    finalViolations: finalView?.violations ?? [],
    duplicates,
    interventions: swarm.interventions,
    incompletePhases,
    cacheDisagrees,
    root: s.root,
  };
  writeFileSync(path.join(s.root, 'result.json'), JSON.stringify({ ...result, doneView, finalView }, null, 1));
  // A failed run keeps its repositories and logs for a look (the path is in the log).
  if (!opts.keep && result.finished && incompletePhases.length === 0) removeRun(s.root, s.dirs);
  else log(`kept ${s.root}`);
  return result;
}

function removeRun(root: string, dirs: Map<string, string>): void {
  for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
}
