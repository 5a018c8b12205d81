import { git } from '../helpers/gitFixture';
import type { SwarmView } from '../../src/core/viewTypes';
import { env, markDetected, RunContext } from './context';

/**
 * The observer's view after a tick: its clone fetches (remote topology), then `s2 status`
 * runs as it would for an agent, at the tick's S2_NOW. Every violation in it is marked
 * detected at this tick under `CODE`, `CODE:session` and `CODE:session:ref`; every blocker
 * under `BLOCKER:session` (detection from the manifest's needs, with no record needed).
 */
export function fetchClone(ctx: RunContext, session: string): void {
  if (ctx.f.topology === 'remote') git(ctx.f.dir(session), 'fetch', '-q', 'origin');
}

export async function readView(ctx: RunContext, session: string, fetch: boolean): Promise<SwarmView> {
  if (fetch) fetchClone(ctx, session);
  const r = await ctx.f.cli(session, ['status'], env(ctx));
  if (r.code !== 0) throw new Error(`s2 status as ${session} failed (exit ${r.code}): ${r.stderr}`);
  return r.json<SwarmView>();
}

export async function observe(ctx: RunContext): Promise<SwarmView> {
  const view = await readView(ctx, ctx.observer, true);
  for (const v of view.violations) {
    markDetected(ctx, v.code);
    markDetected(ctx, `${v.code}:${v.session}`);
    if (v.ref) markDetected(ctx, `${v.code}:${v.session}:${v.ref}`);
  }
  for (const b of view.blockers) markDetected(ctx, `BLOCKER:${b.session}`);
  for (const g of view.gangUp) markDetected(ctx, `GANG_UP:${g.blocker}`);
  return view;
}

/** The value a check names: `session.<id>.<path>`, `blocker.<id>.<path>`, `blockers`, `gangUp.<id>`, `helpers.<id>`, `sum.<field>`, `deadlocks`, `violations.<CODE>`, `tally.<path>`. */
export function select(ctx: RunContext, view: SwarmView, selector: string): unknown {
  const [head, ...rest] = selector.split('.');
  const walk = (o: unknown, path: string[]): unknown =>
    path.reduce<unknown>((x, k) => (x === null || x === undefined ? undefined : (x as Record<string, unknown>)[k]), o);
  switch (head) {
    case 'tally':
      return walk(ctx.tally, rest);
    case 'session':
      return walk(
        view.sessions.find((s) => s.id === rest[0]),
        rest.slice(1),
      );
    case 'blocker':
      return walk(
        view.blockers.find((b) => b.session === rest[0]),
        rest.slice(1),
      );
    case 'blockers':
      return view.blockers.map((b) => b.session);
    case 'gangUp':
      return view.gangUp.filter((g) => g.blocker === rest[0]).reduce((n, g) => n + g.tasks.length, 0);
    case 'sum':
      return (
        Math.round(
          view.sessions.reduce((n, x) => n + Number((x as unknown as Record<string, unknown>)[rest[0]!] ?? 0), 0) * 100,
        ) / 100
      );
    case 'helpers':
      return view.sessions.filter((x) => x.helping?.session === rest[0]).length;
    case 'deadlocks':
      return rest.length ? walk(view.deadlocks, rest) : view.deadlocks.length;
    case 'violations':
      return view.violations.filter((v) => v.code === rest[0] && (rest[1] === undefined || v.session === rest[1]))
        .length;
    default:
      return walk(view, [head!, ...rest]);
  }
}

/** Compare a selected value with what the scenario expects; returns why not, or null. */
export function compare(actual: unknown, expected: unknown): string | null {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    const e = expected as Record<string, unknown>;
    if ('not' in e)
      return JSON.stringify(actual) === JSON.stringify(e['not']) ? `is ${JSON.stringify(actual)}, must not be` : null;
    if ('gte' in e)
      return typeof actual === 'number' && actual >= Number(e['gte'])
        ? null
        : `${JSON.stringify(actual)} < ${e['gte']}`;
    if ('lte' in e)
      return typeof actual === 'number' && actual <= Number(e['lte'])
        ? null
        : `${JSON.stringify(actual)} > ${e['lte']}`;
    if ('includes' in e)
      return Array.isArray(actual) && actual.includes(e['includes'])
        ? null
        : `${JSON.stringify(actual)} lacks ${JSON.stringify(e['includes'])}`;
  }
  return JSON.stringify(actual) === JSON.stringify(expected)
    ? null
    : `is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
}
