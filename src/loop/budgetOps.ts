/** Spend (hash-chained ledger), approvals that raise caps, and the running-agent count. */
import { approverSealSigner } from '../git/approverSeal';
import { sessionPlan } from '../core/manifest';
import { S2Error } from '../core/errors';
import { agentCapRefusal, canSpawnAgents } from '../core/guards';
import { ApprovalEntry, approverBranch, approverDir, recordPaths } from '../core/records';
import { signRecord } from '../core/signing';
import { loadApproverKey, PassphraseSource } from '../git/approverKeys';
import { appendChained } from '../git/chainedLog';
import { SessionStore } from '../git/sessionStore';
import { refuse } from './phaseOps';
import type { SwarmSession } from './swarmSession';

export async function reportSpend(
  s: SwarmSession,
  usd: number,
  model: string,
  note: string,
  source = 'manual',
): Promise<void> {
  if (!Number.isFinite(usd) || usd < 0)
    throw new S2Error('USAGE', `spend must be a non-negative amount in USD, got ${usd}`);
  const { snapshot } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const store = await s.store(snapshot.plan);
  const at = s.now().toISOString();
  await store.commit({
    status: (st) => ({ ...st, heartbeatAt: at }), // reporting spend is a sign of life
    ledger: { kind: 'spend', session: me, at, usd, model, note, source },
    message: `spend $${usd} (${model})`,
  });
}

export async function approveBudget(
  s: SwarmSession,
  approver: string,
  scope: string,
  addUsd: number,
  note: string,
  ask?: PassphraseSource,
): Promise<ApprovalEntry> {
  if (!Number.isFinite(addUsd) || addUsd <= 0)
    throw new S2Error('USAGE', `--usd must be a positive amount, got ${addUsd}`);
  const { snapshot } = await s.view();
  const plan = snapshot.plan;
  if (!plan.approvers[approver])
    throw new S2Error(
      'REFUSED',
      `${approver} is not an approver of swarm ${plan.swarm} (approvers: ${Object.keys(plan.approvers).join(', ') || 'none'})`,
    );
  if (scope !== '*' && !plan.sessions.some((x) => x.id === scope))
    throw new S2Error('UNKNOWN_SESSION', `no session "${scope}" (use '*' for the swarm budget)`);
  // Nobody raises their own budget: not a session running approve, not an approver that is also the session.
  if (scope !== '*' && (s.session === scope || approver === scope))
    throw new S2Error(
      'REFUSED',
      `${scope} cannot approve its own budget${approver === scope ? ` (approver ${approver} is that session)` : ''}: another approver must`,
    );
  const key = await loadApproverKey(plan.swarm, approver, s.env, ask);
  const file = recordPaths.approvals(approver);
  let written: ApprovalEntry | null = null;
  await s.writer.write(
    approverBranch(approver),
    `${approverDir(approver)}/`,
    (files) => {
      const next = appendChained<ApprovalEntry>(
        files.get(file) ?? '',
        file,
        { kind: 'approval', approver, at: s.now().toISOString(), scope, addUsd, note },
        (e) => signRecord(e, approver, key),
      );
      written = next.entry;
      return { files: { [file]: next.text }, message: `approve ${scope} +$${addUsd}` };
    },
    approverSealSigner(approver, key),
  );
  return written!;
}

export async function agentStart(s: SwarmSession, id: string): Promise<number> {
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const mine = view.sessions.find((x) => x.id === me)!;
  const g = canSpawnAgents(view, me, 1);
  if (!g.ok) refuse(`agent ${id}`, g);
  const cap = sessionPlan(snapshot.plan, me)!.maxAgents;
  let running = mine.agentsRunning;
  let full = false;
  await (
    await s.store(snapshot.plan)
  ).commit((files) => {
    const now = SessionStore.statusOf(files, me, s.now().toISOString()).agents.running;
    if (!now.includes(id) && now.length >= cap) {
      full = true;
      return null;
    }
    return {
      status: (st) => {
        const list = [...new Set([...st.agents.running, id])];
        running = list.length;
        return { ...st, agents: { ...st.agents, running: list } };
      },
      witness: { action: 'agent-start', detail: id },
      message: `agent ${id} started`,
    };
  });
  if (full) refuse(`agent ${id}`, [agentCapRefusal(cap, cap)]);
  return running;
}

/** Slots the Claude Code hook recorded: only the runtime's own records free them (claudeMetering.ts). */
const hookSlot = (id: string): boolean => /^claude(-bg)?:/.test(id);

export async function agentStop(s: SwarmSession, id: string | null): Promise<number> {
  if (id && hookSlot(id))
    throw new S2Error(
      'REFUSED',
      `${id} was started through the Claude Code hook; it is freed when the runtime records its end (its result in the transcript, or SubagentStop), not by agents stop`,
    );
  const { snapshot } = await s.view();
  const mine = snapshot.sessions[s.requireSession(snapshot.plan)]?.status?.agents.running ?? [];
  if (!id && mine.length && mine.every(hookSlot))
    throw new S2Error(
      'REFUSED',
      `every running agent (${mine.length}) was started through the Claude Code hook; they are freed when the runtime records their end, not by agents stop`,
    );
  let running = 0;
  await (
    await s.store(snapshot.plan)
  ).commit({
    status: (st) => {
      const oldest = st.agents.running.find((a) => !hookSlot(a));
      const list = st.agents.running.filter((a) => a !== (id ?? oldest));
      running = list.length;
      return { ...st, agents: { ...st.agents, running: list } };
    },
    witness: { action: 'agent-stop', detail: id ?? '(oldest)' },
    message: `agent ${id ?? '(oldest)'} stopped`,
  });
  return running;
}
