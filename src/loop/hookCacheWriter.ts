/**
 * Every ref a session's hook standing depends on: the coordination branch (manifest: budgets,
 * caps, prices; every candidate the reader may settle on), the session's own records
 * (spend, agent slots, a wait), the approvers' branches (raised caps), and — when the swarm
 * has a budget of its own — every session's records. In both forms of a remote clone.
 */
import type { SwarmPlan } from '../core/manifest';
import { LocalStateKey } from '../git/localState';
import { readRefTips } from '../git/refTips';
import type { RepoContext } from '../git/repoContext';
import { commitSlotJournal } from './agentSlotCommit';
import { cloneTag, readSlotJournal, slotJournalFile } from './agentSlotJournal';
import { HookCache, hookCacheFile, hookEnvKey, writeHookCache } from './hookCache';
import type { SwarmSession } from './swarmSession';

export function hookRefNames(ctx: RepoContext, plan: SwarmPlan, me: string, env: NodeJS.ProcessEnv): string[] {
  const branches = new Set<string>(
    [env['S2_COORDINATION_BRANCH'], 'main', 'master', plan.coordinationBranch].filter((b): b is string => !!b),
  );
  branches.add(`s2/sessions/${me}`);
  for (const a of Object.keys(plan.approvers)) branches.add(`s2/approvals/${a}`);
  if (plan.swarmBudgetUsd !== undefined) for (const s of plan.sessions) branches.add(`s2/sessions/${s.id}`);
  return [...branches].flatMap((b) => [`refs/heads/${b}`, ...(ctx.remote ? [`refs/remotes/${ctx.remote}/${b}`] : [])]);
}

/**
 * After a full answer: the session's standing, read again (the answer may have written),
 * cached for the next calls with the tips read BEFORE that read — a ref that moves while the
 * read runs then differs from its cached tip, and the next call reads in full. Best effort:
 * a cache that cannot be written only costs the next call a full read.
 */
export async function refreshHookCache(s: SwarmSession, namedSession: string | null): Promise<void> {
  try {
    const key = await LocalStateKey.load(s.env);
    let first = await s.snapshot();
    const me = s.requireSession(first.plan);
    // The fast path counts slots only in a journal the records name: this opens one the first time
    // (and does nothing, without git, when the journal is in step and empty).
    if ((await commitSlotJournal(s, first, me, undefined, { open: true })).committed) first = await s.snapshot();
    const names = hookRefNames(s.ctx, first.plan, me, s.env);
    const refs = await readRefTips(s.ctx.commonDir, names);
    if (!refs) return;
    const { snapshot, view } = await s.view();
    // The plan the names came from must be the plan the standing comes from.
    if (snapshot.coordinationTip !== first.coordinationTip) return;
    const sv = view.sessions.find((x) => x.id === me);
    const branch = namedSession ? sv?.branch : s.ctx.currentBranch;
    if (!sv || !branch || !Number.isFinite(sv.budgetFraction)) return;
    // The full answer committed the journal (commitSlotJournal) and the records name its epoch:
    // its entries from now on are what the records do not hold yet.
    const journal = await readSlotJournal(slotJournalFile(s.ctx.commonDir, me), key, me);
    const agents = snapshot.sessions[me]?.status?.agents;
    if (!agents || typeof journal === 'string' || journal.epoch !== agents.journals?.[cloneTag(s.ctx.commonDir)])
      return;
    const cache: HookCache = {
      v: 1,
      session: me,
      branch,
      computedAt: s.now().toISOString(),
      envKey: hookEnvKey(s.env),
      refs,
      pricing: snapshot.plan.pricing,
      budgetFraction: sv.budgetFraction,
      budgetUsd: sv.budgetUsd,
      swarmSpendUsd: view.swarmSpendUsd,
      swarmBudgetUsd: view.swarmBudgetUsd,
      agentsRunning: agents.running,
      maxAgents: sv.maxAgents,
      slotEpoch: journal.epoch,
      awaitingInput: !!snapshot.sessions[me]?.status?.awaitingInput,
    };
    await writeHookCache(
      hookCacheFile(s.ctx.commonDir, namedSession ? { session: namedSession } : { branch }),
      key,
      cache,
    );
  } catch {
    /* best effort: see above */
  }
}
