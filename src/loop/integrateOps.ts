/**
 * `s2 integrate`: the swarm-level gate. Merges the latest verified completion of every
 * session, in manifest order, on top of the coordination branch with `git merge-tree`
 * (no checkout is touched), checks the result out in a temporary worktree outside the
 * agent's checkout, runs the manifest's `integrate` commands there, and signs the verdict
 * into the integrating session's own records. A failure with several sessions merged is
 * bisected over the merge order to name the sessions whose changes it involves.
 */
import { S2Error } from '../core/errors';
import {
  IntegratedCompletion,
  IntegrationSelection,
  integrationPath,
  IntegrationRecord,
  IntegrationResult,
  selectForIntegration,
} from '../core/integrationRecord';
import type { CommandResult } from '../core/records';
import { LooseObjectWriter } from '../git/gitObjects';
import { runTask } from '../git/runTask';
import { mergeTree } from '../git/tasks/mergeTreeTask';
import { checkoutDetached, cleanAll } from '../git/tasks/worktreeTasks';
import { runChecks } from './commandRunner';
import { removeStaleWorktrees, withTempWorktree } from '../git/tempWorktree';
import type { SwarmSession } from './swarmSession';

const WORKTREE_PREFIX = 's2-integrate-';

type Probe = IntegrationRecord['bisect'][number];

interface Ctx {
  readonly s: SwarmSession;
  readonly me: string;
  readonly commands: readonly string[];
  readonly timeoutSeconds: number;
  readonly probes: Probe[];
}

export interface IntegrateOptions {
  /** Per-command timeout; defaults to the manifest's polling.commandTimeoutSeconds. */
  readonly timeoutSeconds?: number;
}

export async function integrateSwarm(s: SwarmSession, o: IntegrateOptions = {}): Promise<IntegrationRecord> {
  const started = Date.now();
  const { snapshot, view } = await s.view();
  const plan = snapshot.plan;
  const me = s.requireSession(plan);
  const sel = await skipMissingCommits(s, selectForIntegration(view, plan));
  await removeStaleWorktrees(s.ctx.root);
  const c: Ctx = {
    s,
    me,
    commands: plan.integrate,
    timeoutSeconds: o.timeoutSeconds ?? plan.polling.commandTimeoutSeconds,
    probes: [],
  };
  const coord = snapshot.coordinationTip;
  const base = {
    kind: 'integration' as const,
    session: me,
    coordinationCommit: coord,
    merged: sel.merged,
    skipped: sel.skipped,
  };
  const chain = await mergeChain(c, coord, sel.merged);
  let verdict: {
    result: IntegrationResult;
    mergeCommit: string | null;
    commands: CommandResult[];
    culprits: string[];
    detail: string;
  };
  if (chain.conflict) {
    const culprits = await conflictCulprits(c, coord, sel.merged, chain.conflict.index);
    verdict = {
      result: 'conflict',
      mergeCommit: null,
      commands: [],
      culprits,
      detail: `${sel.merged[chain.conflict.index]!.session} does not merge cleanly on top of ${names(sel.merged.slice(0, chain.conflict.index)) || 'the coordination branch'} (conflicts in ${chain.conflict.files.join(', ')})`,
    };
  } else {
    const final = chain.commits[chain.commits.length - 1]!;
    verdict = await withWorktree(c.s, final, async (dir) => {
      const run = await runAll(c, dir);
      if (run.passed)
        return {
          result: 'pass' as const,
          mergeCommit: final,
          commands: run.commands,
          culprits: [],
          detail: `merged ${sel.merged.length} session(s) on ${coord.slice(0, 12)}${c.commands.length ? '' : '; the manifest has no integrate commands, so only the merges were checked'}`,
        };
      const blame = sel.merged.length
        ? await bisectFailure(c, dir, coord, sel.merged, chain.commits)
        : { culprits: [], detail: 'fails on the coordination branch alone' };
      return { result: 'fail' as const, mergeCommit: final, commands: run.commands, ...blame };
    });
    // Checks cut short by a stop request say nothing about the merge: no verdict.
    if (c.s.signal?.aborted) throw new S2Error('ABORTED', 's2 integrate was stopped; nothing was recorded');
  }
  const rec: Omit<IntegrationRecord, 'signature'> = {
    ...base,
    at: s.now().toISOString(),
    ...verdict,
    bisect: c.probes,
    durationMs: Date.now() - started,
  };
  const store = await s.store(plan);
  await store.commit({
    status: (st) => ({ ...st, heartbeatAt: rec.at }), // integrating is a sign of life
    records: { [integrationPath(me)]: rec },
    witness: {
      action: 'integrate',
      detail: `${rec.result}${rec.culprits.length ? ` (${rec.culprits.join(', ')})` : ''}`,
    },
    message: `integrate: ${rec.result}`,
  });
  return rec as IntegrationRecord;
}

/**
 * A session whose newest completion names a commit this repository does not have (bogus, or
 * not fetched yet) is skipped and listed with the reason — one bad record must not stop the
 * gate for everyone; the others are merged.
 */
async function skipMissingCommits(s: SwarmSession, sel: IntegrationSelection): Promise<IntegrationSelection> {
  const missing = new Map<string, string>();
  for (const l of [...sel.latest, ...sel.merged]) {
    if (missing.has(l.session)) continue;
    const o = await s.reader.cat.read(l.commit);
    if (!o || o.type !== 'commit')
      missing.set(
        l.session,
        `${l.session}:${l.phase} names commit ${l.commit}, which is not in this repository${s.ctx.remote ? ` (run git fetch ${s.ctx.remote}, or ask ${l.session} to push its work branch)` : ` (was ${l.session}'s work branch rewritten?)`}`,
      );
  }
  if (!missing.size) return sel;
  return {
    merged: sel.merged.filter((m) => !missing.has(m.session)),
    skipped: [
      ...sel.skipped.filter((x) => !missing.has(x.session)),
      ...[...missing].map(([session, reason]) => ({ session, reason })),
    ],
    latest: sel.latest.filter((l) => !missing.has(l.session)),
  };
}

/** chain[0] is the coordination commit; chain[i] merges the first i completions. */
async function mergeChain(
  c: Ctx,
  coord: string,
  merged: readonly IntegratedCompletion[],
): Promise<{ commits: string[]; conflict?: { index: number; files: string[] } }> {
  const commits = [coord];
  for (let i = 0; i < merged.length; i++) {
    const m = await mergeCommit(
      c,
      commits[i]!,
      merged[i]!.commit,
      `s2 integrate: + ${merged[i]!.session}:${merged[i]!.phase}`,
    );
    if ('conflict' in m) return { commits, conflict: { index: i, files: m.conflict } };
    commits.push(m.commit);
  }
  return { commits };
}

/** Merge two commits with `git merge-tree` and write the merge commit (loose object, no ref, no checkout). */
async function mergeCommit(
  c: Ctx,
  a: string,
  b: string,
  message: string,
): Promise<{ commit: string } | { conflict: string[] }> {
  const r = await runTask(mergeTree(a, b, { nul: true }), c.s.ctx.root);
  if (!r.clean) return { conflict: [...r.conflicts] };
  const tree = r.tree;
  const stamp = `${Math.floor(c.s.now().getTime() / 1000)} +0000`;
  const body = `tree ${tree}\nparent ${a}\nparent ${b}\nauthor S2 <${c.me}@s2> ${stamp}\ncommitter S2 <${c.me}@s2> ${stamp}\n\n${message}\n`;
  return { commit: await new LooseObjectWriter(c.s.ctx.objectsDir).write('commit', Buffer.from(body, 'utf8')) };
}

/** A conflict at step `index`: the earlier sessions it conflicts with pairwise, and itself. */
async function conflictCulprits(
  c: Ctx,
  coord: string,
  merged: readonly IntegratedCompletion[],
  index: number,
): Promise<string[]> {
  const culprit = merged[index]!;
  const partners: string[] = [];
  for (const earlier of merged.slice(0, index)) {
    const m = await mergeCommit(c, earlier.commit, culprit.commit, 'probe');
    c.probes.push({ sessions: [earlier.session, culprit.session], result: 'conflict' in m ? 'conflict' : 'pass' });
    if ('conflict' in m) partners.push(earlier.session);
  }
  if (!partners.length) {
    const alone = await mergeCommit(c, coord, culprit.commit, 'probe');
    c.probes.push({ sessions: [culprit.session], result: 'conflict' in alone ? 'conflict' : 'pass' });
  }
  return [...partners, culprit.session];
}

/**
 * The commands pass on chain[0] … and fail on chain[n]. Find the first prefix that fails
 * (its last session is the culprit), then whether the culprit fails alone on the
 * coordination branch or only together with an earlier session (found by a second bisection).
 */
async function bisectFailure(
  c: Ctx,
  dir: string,
  coord: string,
  merged: readonly IntegratedCompletion[],
  chain: readonly string[],
): Promise<{ culprits: string[]; detail: string }> {
  const prefix = (k: number): string[] => merged.slice(0, k).map((m) => m.session);
  const probeAt = async (commit: string, sessions: string[]): Promise<boolean> => {
    await checkout(dir, commit);
    const ok = (await runAll(c, dir)).passed;
    c.probes.push({ sessions, result: ok ? 'pass' : 'fail' });
    return ok;
  };
  if (!(await probeAt(chain[0]!, [])))
    return { culprits: [], detail: 'the integrate commands fail on the coordination branch alone' };
  const k = await firstFailing(1, merged.length, (i) => probeAt(chain[i]!, prefix(i)));
  const culprit = merged[k - 1]!;
  if (k === 1) return { culprits: [culprit.session], detail: `fails as soon as ${culprit.session} is merged` };
  const alone = await mergeCommit(c, coord, culprit.commit, `s2 integrate probe: ${culprit.session}`);
  if ('conflict' in alone || !(await probeAt(alone.commit, [culprit.session])))
    return { culprits: [culprit.session], detail: `${culprit.session} fails on the coordination branch alone` };
  const passesWithPrefix = async (j: number): Promise<boolean> => {
    const m = await mergeCommit(
      c,
      chain[j]!,
      culprit.commit,
      `s2 integrate probe: ${prefix(j).join('+')} + ${culprit.session}`,
    );
    if ('conflict' in m) {
      c.probes.push({ sessions: [...prefix(j), culprit.session], result: 'conflict' });
      return false;
    }
    return probeAt(m.commit, [...prefix(j), culprit.session]);
  };
  const j = await firstFailing(1, k - 1, passesWithPrefix);
  const partner = merged[j - 1]!;
  return {
    culprits: [partner.session, culprit.session],
    detail: `${culprit.session} passes alone but fails merged with ${partner.session}`,
  };
}

/** The smallest i in [lo, hi] for which `passes(i)` is false, assuming hi fails and failure persists once it starts. */
async function firstFailing(lo: number, hi: number, passes: (i: number) => Promise<boolean>): Promise<number> {
  let good = lo - 1;
  let bad = hi;
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (await passes(mid)) good = mid;
    else bad = mid;
  }
  return bad;
}

async function runAll(c: Ctx, dir: string): Promise<{ passed: boolean; commands: CommandResult[] }> {
  const { passed, results } = await runChecks(c.commands, dir, c.timeoutSeconds, c.s.env);
  return { passed, commands: results };
}

async function checkout(dir: string, commit: string): Promise<void> {
  await runTask(checkoutDetached(commit), dir);
  await runTask(cleanAll(), dir);
}

function withWorktree<T>(s: SwarmSession, commit: string, fn: (dir: string) => Promise<T>): Promise<T> {
  return withTempWorktree(s.ctx.root, WORKTREE_PREFIX, commit, fn, s.signal);
}

function names(merged: readonly IntegratedCompletion[]): string {
  return merged.map((m) => m.session).join(' + ');
}
