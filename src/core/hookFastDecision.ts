/**
 * What a hook call needs to know of the swarm to answer without reading it: the session's
 * standing as the last full read computed it (`s2 hook` writes it to the clone's decision
 * cache, src/loop/hookCache.ts). Only the answers that need no write can come from here.
 */
import { isBackground, isSubagentTool } from './hookTools';

export interface HookStanding {
  readonly session: string;
  /** The session's spend over its cap (approvals counted), as the view computed it. */
  readonly budgetFraction: number;
  readonly budgetUsd: number;
  readonly swarmSpendUsd: number;
  readonly swarmBudgetUsd: number | null;
  /** Agent slots the session's status holds. */
  readonly agentsRunning: readonly string[];
  /** The session's status records a wait on a person (the next call clears it: a write). */
  readonly awaitingInput: boolean;
}

export interface HookCall {
  readonly hook_event_name: string;
  readonly tool_name?: string | undefined;
  readonly tool_input?: unknown;
  readonly tool_use_id?: string | undefined;
}

/** Spend the runtime recorded since the last metering, priced from its transcript (an upper bound). */
export interface UnmeteredSpend {
  readonly usd: number;
  /** tool_use ids the transcript answered since the last metering. */
  readonly toolResults: readonly string[];
}

/** Half a cent: the view compares rounded dollars, so a call this close to a cap takes the full path. */
const MARGIN_USD = 0.01;

/**
 * 'pass' when the full path would surely answer "no opinion" and write nothing; null when it
 * might deny, record an agent start or stop, or clear a wait — the caller then takes the full
 * path. Never more permissive than `decideHook` on the same standing: every deny of
 * `decideHook` maps to null here.
 */
export function fastHookVerdict(st: HookStanding, call: HookCall, unmetered: UnmeteredSpend): 'pass' | null {
  if (st.awaitingInput) return null;
  // An agent slot whose end the transcript shows is released by a write.
  if (unmetered.toolResults.some((id) => st.agentsRunning.includes(`claude:${id}`))) return null;
  const spawn = isSubagentTool(call.tool_name ?? '', call.tool_input);
  switch (call.hook_event_name) {
    case 'PreToolUse': {
      // An allowed spawn takes a slot (a write); a denied one is rare: both read the swarm.
      if (spawn) return null;
      const fraction = st.budgetUsd > 0 ? st.budgetFraction + unmetered.usd / st.budgetUsd : null;
      if (fraction === null ? st.budgetFraction > 0 || unmetered.usd > 0 : fraction >= 1 - MARGIN_USD / st.budgetUsd)
        return null;
      if (st.swarmBudgetUsd !== null && st.swarmSpendUsd + unmetered.usd + MARGIN_USD >= st.swarmBudgetUsd) return null;
      return 'pass';
    }
    case 'PostToolUse':
    case 'PostToolUseFailure':
      // Only a spawn's end without a tool_use_id frees a slot on the event itself.
      return spawn && !isBackground(call.tool_input) && !call.tool_use_id ? null : 'pass';
    case 'UserPromptSubmit':
      return 'pass';
    default:
      // Notification (a wait to record), SubagentStop (a slot to free), anything new: full path.
      return null;
  }
}
