/**
 * Which tool call is a sub-agent spawn, and the agent slot it takes: pure tests on the hook
 * input, kept apart from hookDecision.ts (and its zod schema) so that the hook's fast path
 * (src/loop/hookFastPath.ts) loads only these.
 */
export interface HookToolCall {
  readonly hook_event_name?: string;
  readonly session_id?: string | undefined;
  readonly tool_input?: unknown;
  readonly tool_use_id?: string | undefined;
}

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
export function agentSlotId(input: HookToolCall): string {
  const prefix = isBackground(input.tool_input) ? 'claude-bg:' : 'claude:';
  if (input.tool_use_id) return `${prefix}${input.tool_use_id}`;
  const text = JSON.stringify(input.tool_input ?? null);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${prefix}${input.session_id ?? 'session'}:${h.toString(16).padStart(8, '0')}`;
}
