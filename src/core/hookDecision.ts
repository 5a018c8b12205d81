/**
 * Claude Code's hook protocol, as its reference documents it: the hook gets one JSON object
 * on stdin (`hook_event_name`, `tool_name`, `tool_input`, `tool_use_id`, …) and answers a
 * PreToolUse with `{ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision:
 * 'allow' | 'deny' | 'ask', permissionDecisionReason } }` on stdout, exit 0. S² denies a
 * sub-agent spawn (the Task/Agent tool) above the session's agent cap, and any tool once the
 * budget is spent — enforcement where the cost is incurred.
 */
import { z } from 'zod';
import { canSpawnAgents } from './guards';
import { refusalLine } from './refusal';
import type { SwarmView } from './viewTypes';
import { agentSlotId, isBackground, isSubagentTool } from './hookTools';

// The tool tests live in hookTools.ts (no zod) so the hook's fast path can load them alone.
export { agentSlotId, isBackground, isSubagentTool, SUBAGENT_TOOLS } from './hookTools';

export const ClaudeHookInput = z
  .object({
    hook_event_name: z.string(),
    session_id: z.string().optional(),
    cwd: z.string().optional(),
    tool_name: z.string().optional(),
    tool_input: z.unknown().optional(),
    tool_use_id: z.string().optional(),
  })
  .passthrough();
export type ClaudeHookInput = z.infer<typeof ClaudeHookInput>;

export type HookVerdict =
  | { kind: 'deny'; reason: string }
  | { kind: 'allow-spawn'; agentId: string }
  | { kind: 'stop-agent'; agentId: string }
  | { kind: 'pass' };

/**
 * `endsOnPostToolUse`: the runtime keeps no record S² can read (Codex, Gemini CLI), so the
 * after-tool event itself frees the slot; for Claude Code the transcript does.
 */
export function decideHook(
  view: SwarmView,
  session: string,
  input: ClaudeHookInput,
  opts: { endsOnPostToolUse?: boolean } = {},
): HookVerdict {
  const me = view.sessions.find((s) => s.id === session);
  if (!me) return { kind: 'deny', reason: `S²: session "${session}" is not in the swarm manifest` };
  const tool = input.tool_name ?? '';
  const agentId = agentSlotId(input);
  const spawn = isSubagentTool(tool, input.tool_input);
  if ((input.hook_event_name === 'PostToolUse' || input.hook_event_name === 'PostToolUseFailure') && spawn) {
    // With a tool_use_id the slot is freed when the runtime's transcript shows the call's result
    // (a forged PostToolUse frees nothing); a background agent keeps its slot until it ends.
    if (isBackground(input.tool_input) || (input.tool_use_id && !opts.endsOnPostToolUse)) return { kind: 'pass' };
    return { kind: 'stop-agent', agentId };
  }
  if (input.hook_event_name === 'SubagentStop') return { kind: 'pass' };
  if (input.hook_event_name !== 'PreToolUse') return { kind: 'pass' };
  const overBudget =
    me.budgetFraction >= 1 || (view.swarmBudgetUsd !== null && view.swarmSpendUsd >= view.swarmBudgetUsd);
  if (overBudget) {
    return {
      kind: 'deny',
      reason: `S² budget guard: ${session} has spent $${me.spendUsd} of $${me.budgetUsd}${view.swarmBudgetUsd !== null ? ` (swarm: $${view.swarmSpendUsd} of $${view.swarmBudgetUsd})` : ''}. Stop and ask an approver to run: s2 approve ${session} --usd N`,
    };
  }
  if (spawn) {
    const g = canSpawnAgents(view, session, 1);
    if (!g.ok) return { kind: 'deny', reason: `S² agent guard: ${g.reasons.map(refusalLine).join('; ')}` };
    return { kind: 'allow-spawn', agentId };
  }
  return { kind: 'pass' };
}

/** The stdout answer for a verdict; `null` means print nothing (no opinion, exit 0). */
export function hookOutput(v: HookVerdict): Record<string, unknown> | null {
  if (v.kind === 'deny')
    return {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: v.reason,
      },
    };
  return null;
}
