import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { signedInstruction } from '../helpers/signedInstruction';
import { absentFile, coordCommit, coordReset } from './trustActions';
import { git } from '../helpers/gitFixture';
import { actorsOf, env, markDetected, RunContext } from './context';
import { runLoop, runPollStorm } from './loopActions';
import { compare, observe, readView, select } from './observe';
import { runRogue } from './rogueActions';
import type { Action, ActionBase, CheckAction, CliAction, HookAction } from './types';

/**
 * What a session does in a tick. Honest acts go through the real CLI (main() in-process,
 * at the tick's S2_NOW); hostile acts go around it (rogueActions); loops run the real Poller.
 * Every outcome is judged against the action's `expect`/`match`, and a refusal that was
 * expected counts as a detection when the action names one (`detects`).
 */
export interface Outcome {
  readonly code: number;
  readonly out: string;
}

export function judge(ctx: RunContext, a: ActionBase, who: string, what: string, o: Outcome): void {
  const want = a.expect ?? 'ok';
  if (o.code === 1) ctx.tally.refusals++;
  if (/"code": "LOCKED"|LOCKED/.test(o.out) && o.code !== 0) ctx.tally.locked++;
  let ok =
    want === 'any' ||
    (want === 'ok' && o.code === 0) ||
    (want === 'refused' && o.code === 1) ||
    (want === 'error' && o.code === 2) ||
    (want === 'locked' && o.code !== 0 && /LOCKED/.test(o.out));
  if (ok && a.match && !new RegExp(a.match, 's').test(o.out)) ok = false;
  if (!ok)
    ctx.failures.push({
      tick: ctx.tick,
      what: `${who}: ${what}: expected ${want}${a.match ? ` matching /${a.match}/` : ''}, got exit ${o.code}: ${o.out.replace(/\s+/g, ' ').slice(0, 400)}`,
      ...(a.gap ? { gap: a.gap } : {}),
    });
  else if (a.detects) markDetected(ctx, a.detects);
}

/** Remember the actor's local records tip: an acknowledged write that must never be lost. */
export function captureTip(ctx: RunContext, session: string): void {
  let tip: string;
  try {
    tip = git(ctx.f.dir(session), 'rev-parse', '-q', '--verify', `refs/heads/s2/sessions/${session}`);
  } catch {
    return;
  }
  if (tip) (ctx.acked.get(session) ?? ctx.acked.set(session, new Set()).get(session)!).add(tip);
}

export function splitArgs(cmd: string | readonly string[]): string[] {
  if (typeof cmd !== 'string') return [...cmd];
  return [...cmd.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

async function cli(ctx: RunContext, a: CliAction, s: string): Promise<void> {
  const args = splitArgs(a.cli);
  if (ctx.f.topology === 'remote' && !a.parallel) git(ctx.f.dir(s), 'fetch', '-q', 'origin');
  const r = await ctx.f.cli(s, args, env(ctx, a.env));
  if (r.code === 0 && args[0] === 'spend') ctx.tally.spends[s] = (ctx.tally.spends[s] ?? 0) + 1;
  judge(ctx, a, s, `s2 ${args.join(' ')}`, { code: r.code, out: r.stdout + r.stderr });
  captureTip(ctx, s);
}

/** One Claude Code hook call: the JSON on stdin, the verdict on stdout. */
async function hook(ctx: RunContext, a: HookAction, s: string, i: number): Promise<void> {
  const input = JSON.stringify({
    hook_event_name: a.hook.event ?? 'PreToolUse',
    session_id: `claude-${s}`,
    tool_name: a.hook.tool ?? 'Task',
    tool_input: { prompt: 'sub-agent' },
    tool_use_id: `${s}-t${ctx.tick}-${i}`,
  });
  let stdout = '';
  let stderr = '';
  const code = await main(['--json', 'hook', 'claude'], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, S2_HOME: ctx.f.home, S2_SESSION: s, ...env(ctx, a.env) },
    cwd: ctx.f.dir(s),
    stdin: async () => input,
  });
  if (/call allowed/.test(stderr)) ctx.tally.hook.failedOpen++;
  else if (/"permissionDecision":"deny"/.test(stdout)) ctx.tally.hook.denied++;
  else ctx.tally.hook.allowed++;
  if (code !== 0) ctx.failures.push({ tick: ctx.tick, what: `hook as ${s} exited ${code}: ${stderr}` });
  if (a.match && !new RegExp(a.match, 's').test(stdout + stderr))
    ctx.failures.push({ tick: ctx.tick, what: `hook as ${s}: output does not match /${a.match}/: ${stdout}${stderr}` });
  else if (a.detects && /"permissionDecision":"deny"/.test(stdout)) markDetected(ctx, a.detects);
}

function instruction(ctx: RunContext, session: string, phase: number): void {
  const dir = path.join(ctx.f.coord, '.s2/instructions', session);
  mkdirSync(dir, { recursive: true });
  const text = `---\nid: ${session}-p${phase}\n---\nDo phase ${phase}.\n`;
  writeFileSync(path.join(dir, `phase-${phase}.md`), signedInstruction(ctx.f.home, session, phase, text));
  git(ctx.f.coord, 'add', '.');
  git(ctx.f.coord, 'commit', '-q', '-m', `instruction ${session} ${phase}`);
  if (ctx.f.bare) git(ctx.f.coord, 'push', '-q', ctx.f.bare, 'main');
}

/** Views read by each actor without fetching: equal snapshot ids must mean equal views. */
async function compareViews(ctx: RunContext, actors: string[]): Promise<void> {
  const views = await Promise.all(actors.map((s) => readView(ctx, s, false)));
  const bySnapshot = new Map<string, string[]>();
  for (const v of views)
    (bySnapshot.get(v.snapshot) ?? bySnapshot.set(v.snapshot, []).get(v.snapshot)!).push(JSON.stringify(v));
  ctx.tally.groups = bySnapshot.size;
  ctx.tally[`groups@${ctx.tick}`] = bySnapshot.size;
  for (const [id, list] of bySnapshot) {
    if (list.some((x) => x !== list[0])) {
      ctx.tally.identical = false;
      ctx.failures.push({ tick: ctx.tick, what: `two views of snapshot ${id} differ` });
    }
  }
  ctx.notes.push(
    `tick ${ctx.tick}: ${actors.length} views, ${bySnapshot.size} snapshot id(s) (${[...bySnapshot].map(([id, l]) => `${id.slice(0, 8)}×${l.length}`).join(', ')}), identical within each id: ${ctx.tally.identical}`,
  );
}

async function check(ctx: RunContext, a: CheckAction): Promise<void> {
  const view = await observe(ctx);
  let held = true;
  for (const [selector, expected] of Object.entries(a.check)) {
    const why = compare(select(ctx, view, selector), expected);
    if (why) {
      held = false;
      ctx.failures.push({ tick: ctx.tick, what: `check ${selector}: ${why}`, ...(a.gap ? { gap: a.gap } : {}) });
    }
  }
  if (held && a.detects) markDetected(ctx, a.detects);
}

async function each(ctx: RunContext, a: Action, fn: (s: string, i: number) => Promise<void>): Promise<void> {
  const actors = actorsOf(ctx, a.as, a.except);
  const jobs = actors.flatMap((s) => Array.from({ length: a.repeat ?? 1 }, (_, i) => [s, i] as const));
  if (a.parallel) await Promise.all(jobs.map(([s, i]) => fn(s, i)));
  else for (const [s, i] of jobs) await fn(s, i);
  for (const s of new Set(actors)) captureTip(ctx, s);
}

export async function runAction(ctx: RunContext, a: Action): Promise<void> {
  if ('coordCommit' in a) return each(ctx, a, async (s) => coordCommit(ctx, a, s));
  if ('coordReset' in a) return each(ctx, a, async (s) => coordReset(ctx, a, s));
  if ('absentFile' in a) return absentFile(ctx, a);
  if ('cli' in a) return each(ctx, a, (s) => cli(ctx, a, s));
  if ('work' in a)
    return each(ctx, a, async (s) => void ctx.f.work(s, a.work === true ? undefined : a.work, a.content));
  if ('fetch' in a)
    return each(ctx, a, async (s) => void (ctx.f.topology === 'remote' && git(ctx.f.dir(s), 'fetch', '-q', 'origin')));
  if ('git' in a) {
    return each(ctx, a, async (s) => {
      let o: Outcome;
      try {
        o = { code: 0, out: git(ctx.f.dir(s), ...a.git.map((x) => x.replace(/\{\{bare\}\}/g, ctx.f.bare ?? ''))) };
      } catch (e) {
        o = { code: 2, out: String((e as { stderr?: string }).stderr ?? e) };
      }
      judge(ctx, a, s, `git ${a.git.join(' ')}`, o);
    });
  }
  if ('wait' in a) return void (await new Promise((r) => setTimeout(r, a.wait)));
  if ('instruction' in a) return each(ctx, a, async (s) => instruction(ctx, s, a.instruction.phase));
  if ('rogue' in a) return each(ctx, a, (s) => runRogue(ctx, a, s));
  if ('hook' in a) {
    const actors = actorsOf(ctx, a.as, a.except);
    const count = a.hook.count ?? 1;
    const width = Math.max(1, a.hook.concurrency ?? 1);
    for (const s of actors) {
      for (let start = 0; start < count; start += width)
        await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, k) => hook(ctx, a, s, start + k)));
      captureTip(ctx, s);
    }
    return;
  }
  if ('loop' in a) return runLoop(ctx, a, actorsOf(ctx, a.as, a.except), instruction);
  if ('pollStorm' in a) return each(ctx, a, (s) => runPollStorm(ctx, a, s));
  if ('compare' in a) return compareViews(ctx, actorsOf(ctx, a.as, a.except));
  if ('time' in a) {
    return each(ctx, a, async (s) => {
      const t = Date.now();
      await readView(ctx, s, true);
      ctx.tally.ms[a.time] = Date.now() - t;
      ctx.notes.push(`tick ${ctx.tick}: fetch + \`s2 status\` as ${s} took ${ctx.tally.ms[a.time]} ms (${a.time})`);
    });
  }
  if ('check' in a) return check(ctx, a);
  throw new Error(`unknown action ${JSON.stringify(a)}`);
}
