import { existsSync } from 'node:fs';
import { staleAfterSeconds } from '../core/liveness';
import type { AgentRuntime } from '../core/manifest';
import type { AwaitingInputView } from '../core/viewTypes';
import { listWorktrees } from '../git/checkoutGit';
import { readRegistry } from './checkoutRegistry';
import type { SwarmSession } from './swarmSession';

export interface SessionCheckoutRow {
  readonly session: string;
  readonly branch: string;
  readonly path: string | null;
  readonly topology: 'worktree' | 'clone' | null;
  readonly runtime: AgentRuntime;
  readonly agentCommand: string;
  /** The agent is taken as running while the session's heartbeat lease is fresh. */
  readonly agentRunning: boolean;
  readonly heartbeatAgeSeconds: number | null;
  readonly state: string;
  readonly awaitingInput: AwaitingInputView | null;
}

/** `s2 session list`: every session of the manifest, its checkout (if any), runtime and liveness. */
export async function listSessionCheckouts(s: SwarmSession): Promise<SessionCheckoutRow[]> {
  const { snapshot, view } = await s.view();
  const registry = await readRegistry(s.ctx.commonDir);
  const worktrees = await listWorktrees(s.ctx.root);
  return snapshot.plan.sessions.map((sp) => {
    const v = view.sessions.find((x) => x.id === sp.id)!;
    const wt = worktrees.find((w) => w.branch === `refs/heads/${sp.branch}`);
    const reg = registry[sp.id];
    const clone = reg && reg.topology === 'clone' && existsSync(reg.path) ? reg.path : null;
    return {
      session: sp.id,
      branch: sp.branch,
      path: wt?.path ?? clone,
      topology: wt ? 'worktree' : clone ? 'clone' : null,
      runtime: reg?.runtime ?? sp.agent.runtime,
      agentCommand: sp.agent.command,
      agentRunning: v.heartbeatAgeSeconds !== null && v.heartbeatAgeSeconds <= staleAfterSeconds(snapshot.plan),
      heartbeatAgeSeconds: v.heartbeatAgeSeconds,
      state: v.state,
      awaitingInput: v.awaitingInput,
    };
  });
}
