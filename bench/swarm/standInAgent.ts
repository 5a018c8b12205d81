import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hookDenied, S2Cli } from './s2Cli';
import type { AgentConfig } from './swarmManifest';
import { SessionRuntime } from './sessionRuntime';
import { consumersOf } from './swarmPlan';

/**
 * The stand-in agent of `npm run swarm`: what a coding agent does, with the thinking replaced
 * by a timer. Two roles, both talking to the swarm only through `s2` and git:
 *
 * - `work` — the manifest's executor, started by the session's `s2 poll` loop for an
 *   instruction. It does the phase's work in four timed steps, each a real commit to
 *   `work/<session>/phase-<n>.txt` (a restarted run resumes from the committed steps), goes
 *   faster while helpers work on the phase (each active help claim adds `helpFactor` to its
 *   rate), records its spend, and completes the phase with `s2 complete-phase`.
 * - `session` — the agent's runtime between phases: it runs `s2 --json poll` and reads what
 *   the loop says it is waiting for. A need complete but unverified: `s2 verify` (and on a
 *   failed verification, adapt its own side and verify again). A need not complete: `s2 help
 *   --auto` (gang-up mode), committing help work until the blocker is done; a stalled one:
 *   `s2 adopt`, do the phase's work and `s2 complete-phase SESSION:N`.
 */
export type Event = Record<string, unknown> & { kind: string };

function loadConfig(): AgentConfig {
  const file = process.env['S2_SWARM_CONFIG'];
  if (!file) throw new Error('S2_SWARM_CONFIG is not set: the stand-in agent runs under npm run swarm');
  return JSON.parse(readFileSync(file, 'utf8')) as AgentConfig;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Agent {
  readonly me: string;
  readonly cli: S2Cli;
  readonly remote: boolean;

  constructor(readonly cfg: AgentConfig) {
    this.me = process.env['S2_SESSION'] ?? '';
    if (!this.me) throw new Error('S2_SESSION is not set');
    this.cli = new S2Cli(cfg.cli, process.cwd(), process.env, this.me);
    this.remote = cfg.settings.topology === 'remote';
  }

  log(e: Event): void {
    appendFileSync(
      path.join(this.cfg.runDir, 'events.jsonl'),
      `${JSON.stringify({ t: Date.now(), session: this.me, ...e })}\n`,
    );
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: process.cwd(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  /** Append a line to a file of this checkout and commit it on the work branch (pushed against a remote). */
  commit(file: string, line: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, `${line}\n`);
    this.git('add', '--', file);
    this.git('commit', '-q', '-m', line, '--', file);
    if (this.remote) this.git('push', '-q', 'origin', 'HEAD');
  }

  realMs(modelSeconds: number): number {
    return modelSeconds * this.cfg.settings.scale * 1000;
  }

  /** Record spend through `s2 spend`; the event lets the audit count ledger lines that must exist. */
  async spend(modelSeconds: number, note: string): Promise<void> {
    const usd = Math.round(modelSeconds * this.cfg.settings.usdPerSecond * 100) / 100;
    if (usd <= 0) return;
    const r = await this.cli.spend(usd, note);
    this.log({ kind: 'spend', usd, note, code: r.code });
  }

  /** Help claims that are active on `ref` right now, as `s2 status` shows them. */
  async helpersOn(ref: string): Promise<number> {
    // Only a phase someone waits on can have helpers: ask s2 only then (each ask is a process).
    if (this.cfg.settings.mode !== 'gang-up' || !consumersOf(ref, this.cfg.settings.phases).length) return 0;
    const r = await this.cli.status();
    if (r.code !== 0) return 0;
    const view = JSON.parse(r.stdout) as {
      sessions: { helping: { session: string; phase: number; active: boolean } | null }[];
    };
    return view.sessions.filter((s) => s.helping?.active && `${s.helping.session}:${s.helping.phase}` === ref).length;
  }

  /**
   * The phase's work in four steps; resumes from the steps already committed. Returns the
   * model seconds of agent time spent in this run (what it costs).
   */
  async doWork(target: string, phase: number): Promise<number> {
    const ref = `${target}:${phase}`;
    const duration = this.cfg.durations[ref]!;
    const file = path.join(process.cwd(), 'work', target, `phase-${phase}.txt`);
    const done = (): number =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l.startsWith(`${ref} step`))
            .reduce((a, l) => a + Number(/\+(\d+(?:\.\d+)?)s/.exec(l)?.[1] ?? 0), 0)
        : 0;
    // Progress accrues with the wall clock (git and s2 time included) at the current rate, so
    // the machine's overhead is part of the phase's time instead of added to it.
    let spent = 0;
    let last = Date.now();
    const step = duration / 4;
    for (let left = duration - done(); left > 0.001; left = duration - done()) {
      const helpers = target === this.me ? await this.helpersOn(ref) : 0;
      const chunk = Math.min(step, left);
      const rate = 1 + this.cfg.settings.helpFactor * helpers;
      await sleep(Math.max(0, this.realMs(chunk / rate) - (Date.now() - last)));
      last = Date.now();
      spent += chunk / rate;
      this.commit(file, `${ref} step +${chunk.toFixed(1)}s by ${this.me} (helpers ${helpers})`);
      this.log({ kind: 'work-step', ref, chunk, helpers });
    }
    return spent;
  }

  /** The executor: one instruction's phase. Exit 0 only when the phase's completion is recorded. */
  async work(): Promise<number> {
    const phase = Number(process.env['S2_PHASE']);
    const ref = `${this.me}:${phase}`;
    writeFileSync(path.join(this.cfg.runDir, `${this.me}.work.pid`), String(process.pid));
    this.recoverIndexLock();
    this.log({ kind: 'work-start', ref });
    const f = this.cfg.faults;
    if (f.spawnStorm.session === this.me && f.spawnStorm.phase === phase) await this.spawnStorm(ref);
    if (f.badCompletion.session === this.me && f.badCompletion.phase === phase) {
      // The API changes under the consumer: its verification fails until it adapts.
      const api = path.join(process.cwd(), 'api', `${this.me}.version`);
      if (!existsSync(api) || readFileSync(api, 'utf8') !== '2\n') {
        writeFileSync(api, '2\n');
        this.git('add', '--', api);
        this.git('commit', '-q', '-m', `${ref}: API version 2`);
      }
    }
    const spent = await this.doWork(this.me, phase);
    await this.spend(spent, `phase ${phase}`);
    const c = await this.cli.completePhase(String(phase));
    this.log({ kind: 'complete', ref, code: c.code, spent, detail: c.code ? c.stderr.slice(0, 300) : '' });
    return c.code;
  }

  /**
   * A run killed in the middle of \`git commit\` leaves the checkout's index.lock behind, and
   * every later commit fails ("remove the file manually to continue"). On start, as an agent
   * recovering from a crash would, remove a lock older than 2 s (the only other committer of this
   * checkout, the session runtime, commits help only while the executor does not run).
   */
  recoverIndexLock(): void {
    const lock = path.join(this.git('rev-parse', '--absolute-git-dir'), 'index.lock');
    if (!existsSync(lock) || Date.now() - statSync(lock).mtimeMs < 2000) return;
    rmSync(lock, { force: true });
    this.log({ kind: 'index-lock-removed', lock });
  }

  /** Many sub-agents at once through the Claude Code hook: the cap decides how many run. */
  async spawnStorm(ref: string): Promise<void> {
    const n = this.cfg.faults.spawnStorm.spawns;
    const ids = Array.from({ length: n }, (_, i) => `${ref}-agent-${i}`);
    if (this.cfg.settings.mode === 'v1') {
      this.log({ kind: 'storm', ref, spawns: n, allowed: n, denied: 0, hook: false });
      return;
    }
    const answers = await Promise.all(ids.map((id) => this.cli.hook('PreToolUse', id)));
    const allowed = ids.filter((_, i) => answers[i]!.code === 0 && !hookDenied(answers[i]!));
    const errors = answers.filter((a) => a.code !== 0).length;
    await Promise.all(allowed.map((id) => this.cli.hook('PostToolUse', id)));
    this.log({
      kind: 'storm',
      ref,
      spawns: n,
      allowed: allowed.length,
      denied: n - allowed.length - errors,
      errors,
      hook: true,
    });
  }
}

async function mainAgent(): Promise<number> {
  const role = process.argv[2];
  const cfg = loadConfig();
  const agent = new Agent(cfg);
  if (role === 'work') return agent.work();
  if (role === 'session') {
    await new SessionRuntime(agent).run();
    return 0;
  }
  process.stderr.write('usage: standInAgent.js work|session (run by npm run swarm)\n');
  return 2;
}

if (require.main === module)
  mainAgent().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`stand-in agent: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
