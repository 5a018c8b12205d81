/**
 * What a hook call needs to know of the swarm to answer without reading it: the session's
 * standing as the last full read computed it (`s2 hook` writes it to the clone's decision
 * cache, src/loop/hookCache.ts). Only the answers that write nothing to the records can come
 * from here; an agent slot taken or freed is counted in the clone's slot journal
 * (src/loop/agentSlotJournal.ts) and committed later.
 */
import { agentSlotId, isBackground, isSubagentTool } from './hookTools';

export interface HookStanding {
  readonly session: string;
  /** The session's spend over its cap (approvals counted), as the view computed it. */
  readonly budgetFraction: number;
  readonly budgetUsd: number;
  readonly swarmSpendUsd: number;
  readonly swarmBudgetUsd: number | null;
  /** Agent slots the session's status holds. */
  readonly agentsRunning: readonly string[];
  /** The session's agent cap (approvals counted), as the view computed it. */
  readonly maxAgents: number;
  /** The session's status records a wait on a person (the next call clears it: a write). */
  readonly awaitingInput: boolean;
}

export interface HookCall {
  readonly hook_event_name: string;
  readonly tool_name?: string | undefined;
  readonly tool_input?: unknown;
  readonly tool_use_id?: string | undefined;
  readonly session_id?: string | undefined;
}

/** Spend the runtime recorded since the last metering, priced from its transcript (an upper bound). */
export interface UnmeteredSpend {
  readonly usd: number;
  /** tool_use ids the transcript answered since the last metering. */
  readonly toolResults: readonly string[];
}

/** Half a cent: the view compares rounded dollars, so a call this close to a cap takes the full path. */
const MARGIN_USD = 0.01;

/** A fast answer: no opinion, after counting the slot the call takes and the slots it saw end. */
export interface FastAnswer {
  /** The slot a spawn takes (the caller journals it before answering), or null. */
  readonly start: string | null;
  /** Slots whose end the transcript shows (the full path would free them). */
  readonly stops: readonly string[];
}

/**
 * An answer when the full path would surely answer "no opinion" and write nothing to the
 * records but slot starts and stops; null when it might deny or has more to write (a wait
 * to record or clear, a slot without a tool_use_id) — the caller then takes the full path.
 * `running`: the slots the records hold with the journal's entries applied. Never more
 * permissive than `decideHook` on the same standing: every deny of `decideHook` maps to null
 * here, and a spawn gets a slot only while one is free.
 */
export function fastHookVerdict(
  st: HookStanding,
  call: HookCall,
  unmetered: UnmeteredSpend,
  running: readonly string[],
): FastAnswer | null {
  if (st.awaitingInput) return null;
  // A slot whose end the transcript shows is freed, as claudeMetering.ts would.
  const stops = unmetered.toolResults.map((id) => `claude:${id}`).filter((id) => running.includes(id));
  const after = running.filter((id) => !stops.includes(id));
  const pass: FastAnswer = { start: null, stops };
  const spawn = isSubagentTool(call.tool_name ?? '', call.tool_input);
  switch (call.hook_event_name) {
    case 'PreToolUse': {
      const fraction = st.budgetUsd > 0 ? st.budgetFraction + unmetered.usd / st.budgetUsd : null;
      if (fraction === null ? st.budgetFraction > 0 || unmetered.usd > 0 : fraction >= 1 - MARGIN_USD / st.budgetUsd)
        return null;
      if (st.swarmBudgetUsd !== null && st.swarmSpendUsd + unmetered.usd + MARGIN_USD >= st.swarmBudgetUsd) return null;
      if (!spawn) return pass;
      // A spawn without the runtime's id gets a derived one: the full path decides those.
      if (!call.tool_use_id) return null;
      const id = agentSlotId(call);
      // No free slot: the full path denies (and says why). The same spawn asked twice: the full path too.
      return !after.includes(id) && after.length < st.maxAgents ? { start: id, stops } : null;
    }
    case 'PostToolUse':
    case 'PostToolUseFailure':
      // Only a spawn's end without a tool_use_id frees a slot on the event itself.
      return spawn && !isBackground(call.tool_input) && !call.tool_use_id ? null : pass;
    case 'UserPromptSubmit':
      return pass;
    default:
      // Notification (a wait to record), SubagentStop (a background slot to free), anything new: full path.
      return null;
  }
}
