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

export const SUBAGENT_TOOLS = new Set(['Task', 'Agent']);

/**
 * The sub-agent tool under any of its names: Task (before Claude Code 2.1), Agent, any case,
 * an MCP-prefixed variant (`mcp__x__Task`), or any tool whose input names a `subagent_type`.
 */
export function isSubagentTool(name: string, toolInput: unknown): boolean {
  const base = name.split('__').pop() ?? name;
  if (/^(task|agent)$/i.test(base)) return true;
  return !!toolInput && typeof toolInput === 'object' && 'subagent_type' in (toolInput as object);
}

/** A background agent returns at once; its slot is held until its SubagentStop. */
export function isBackground(toolInput: unknown): boolean {
  return (
    !!toolInput &&
    typeof toolInput === 'object' &&
    (toolInput as { run_in_background?: unknown }).run_in_background === true
  );
}

/**
 * The slot id of a spawn: `claude:` + the runtime's tool_use_id. Without one, an id derived
 * from the Claude session and the tool input, so two different spawns never share a slot.
 */
export function agentSlotId(input: ClaudeHookInput): string {
  const prefix = isBackground(input.tool_input) ? 'claude-bg:' : 'claude:';
  if (input.tool_use_id) return `${prefix}${input.tool_use_id}`;
  const text = JSON.stringify(input.tool_input ?? null);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${prefix}${input.session_id ?? 'session'}:${h.toString(16).padStart(8, '0')}`;
}

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
