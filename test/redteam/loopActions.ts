import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { Poller } from '../../src/loop/poller';
import { SwarmSession } from '../../src/loop/swarmSession';
import { git } from '../helpers/gitFixture';
import { actorsOf, markDetected, RunContext } from './context';
import type { LoopAction, PollStormAction } from './types';

/**
 * The guarded polling loop under attack: real Pollers (one per actor, as `s2 poll` runs
 * them) with the manifest's executor, instructions landing while they fetch, remotes that
 * fail; and a storm of `s2 poll` processes for one session, of which only one may run.
 */
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Executor runs per `session phase`, from the log the executor appends to. */
export function countRuns(ctx: RunContext): void {
  const lines = existsSync(ctx.log) ? readFileSync(ctx.log, 'utf8').split('\n').filter(Boolean) : [];
  const runs: Record<string, number> = {};
  const bySession: Record<string, number> = {};
  for (const l of lines) {
    runs[l] = (runs[l] ?? 0) + 1;
    const s = l.split(' ')[0]!;
    bySession[s] = (bySession[s] ?? 0) + 1;
  }
  ctx.tally.runs = runs;
  ctx.tally['runsBy'] = bySession;
  ctx.tally['runsTotal'] = lines.length;
  ctx.tally['runsMax'] = Math.max(0, ...Object.values(runs));
}

export async function runLoop(
  ctx: RunContext,
  a: LoopAction,
  actors: string[],
  instruction: (ctx: RunContext, s: string, phase: number) => void,
): Promise<void> {
  const spec = a.loop;
  const broken = spec.breakRemote && ctx.f.topology === 'remote';
  if (broken)
    for (const s of actors) git(ctx.f.dir(s), 'remote', 'set-url', 'origin', path.join(ctx.f.root, 'gone.git'));
  const sessions = await Promise.all(
    actors.map((s) =>
      SwarmSession.open({
        repo: ctx.f.dir(s),
        session: s,
        env: { ...process.env, S2_HOME: ctx.f.home },
        now: () => new Date(ctx.nowIso),
      }),
    ),
  );
  const pollers = sessions.map((s) => new Poller(s, { intervalSeconds: spec.interval, execute: spec.execute }));
  const ticks = new Map<string, number>();
  pollers.forEach((p, i) =>
    p.onDidTick((r) => {
      ticks.set(actors[i]!, r.tick);
      if (spec.ticks && r.tick >= spec.ticks) p.stop();
    }),
  );
  const started = Date.now();
  const runs = pollers.map((p) => p.run());
  const deadline = started + (spec.timeoutMs ?? 120_000);
  const done = (): boolean => {
    if (spec.ticks && actors.every((s) => (ticks.get(s) ?? 0) >= spec.ticks!)) return true;
    if (spec.durationMs && Date.now() - started >= spec.durationMs) return true;
    if (spec.untilRuns) {
      countRuns(ctx);
      if ((ctx.tally['runsTotal'] as number) >= spec.untilRuns) return true;
    }
    if (spec.untilState)
      return Object.entries(spec.untilState).every(
        ([s, st]) => pollers[actors.indexOf(s)]?.view?.sessions.find((x) => x.id === s)?.state === st,
      );
    return false;
  };
  try {
    for (const i of spec.instructions ?? []) {
      for (const s of actorsOf(ctx, i.session)) instruction(ctx, s, i.phase);
      await sleep(150);
    }
    while (!done()) {
      if (Date.now() > deadline) {
        ctx.failures.push({
          tick: ctx.tick,
          what: `loop: stop condition not reached in ${spec.timeoutMs ?? 120_000} ms`,
        });
        break;
      }
      await sleep(100);
    }
    if (spec.settleMs) await sleep(spec.settleMs);
  } finally {
    pollers.forEach((p) => p.stop());
    await Promise.all(runs);
    await Promise.all(pollers.map((p) => p.idle()));
    pollers.forEach((p) => p.dispose());
    sessions.forEach((s) => s.dispose());
    if (broken) for (const s of actors) git(ctx.f.dir(s), 'remote', 'set-url', 'origin', ctx.f.bare!);
  }
  pollers.forEach((p, i) => {
    ctx.tally.fetches[actors[i]!] = (ctx.tally.fetches[actors[i]!] ?? 0) + p.fetches;
    ctx.tally.ticks[actors[i]!] = (ctx.tally.ticks[actors[i]!] ?? 0) + (ticks.get(actors[i]!) ?? 0);
  });
  ctx.tally['lastLoop'] = {
    ms: Date.now() - started,
    fetches: pollers.reduce((n, p) => n + p.fetches, 0),
    ticks: [...ticks.values()].reduce((x, y) => x + y, 0),
    loops: actors.length,
  };
  countRuns(ctx);
  ctx.notes.push(
    `tick ${ctx.tick}: ${actors.length} loop(s) for ${Date.now() - started} ms: ${[...ticks.values()].reduce((x, y) => x + y, 0)} ticks, ${pollers.reduce((n, p) => n + p.fetches, 0)} fetches, ${ctx.tally['runsTotal']} executor run(s)`,
  );
}

/** `attempts` × `s2 poll --ticks N` for one session at once: exactly one loop may run. */
export async function runPollStorm(ctx: RunContext, a: PollStormAction, s: string): Promise<void> {
  const { attempts, ticks, interval = 0.3 } = a.pollStorm;
  const results = await Promise.all(
    Array.from({ length: attempts }, async () => {
      let stdout = '';
      let stderr = '';
      const code = await main(
        ['--json', 'poll', '--ticks', String(ticks), '--interval', String(interval), '--no-execute'],
        {
          stdout: (t) => (stdout += t),
          stderr: (t) => (stderr += t),
          env: { ...process.env, S2_HOME: ctx.f.home, S2_SESSION: s, S2_NOW: ctx.nowIso },
          cwd: ctx.f.dir(s),
        },
      );
      return { code, stdout, stderr };
    }),
  );
  const ran = results.filter((r) => r.code === 0);
  const locked = results.filter((r) => r.code !== 0 && /LOCKED/.test(r.stdout + r.stderr));
  const tickLines = ran.flatMap((r) =>
    r.stdout.split('\n').filter((l) => l.includes('"kind": "tick"') || l.includes('"kind":"tick"')),
  );
  const fetched = tickLines.filter((l) => /"fetched":\s*true/.test(l)).length;
  ctx.tally.locked += locked.length;
  ctx.tally['pollStorm'] = { attempts, ran: ran.length, locked: locked.length, ticks: tickLines.length, fetched };
  ctx.notes.push(
    `tick ${ctx.tick}: ${attempts} concurrent \`s2 poll\` for ${s}: ${ran.length} ran (${tickLines.length} ticks, ${fetched} fetches), ${locked.length} refused LOCKED`,
  );
  if (results.length !== ran.length + locked.length)
    ctx.failures.push({
      tick: ctx.tick,
      what: `poll storm: ${results.length - ran.length - locked.length} run(s) failed otherwise: ${results
        .filter((r) => r.code !== 0 && !/LOCKED/.test(r.stdout + r.stderr))
        .map((r) => r.stderr)
        .join(' | ')
        .slice(0, 300)}`,
    });
  if (locked.length && a.detects) markDetected(ctx, a.detects);
}
