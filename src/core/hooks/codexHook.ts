/**
 * Codex CLI's hook protocol (openai/codex, codex-rs/hooks, its generated command schemas;
 * hooks on by default since 0.124.0): one JSON object on stdin with `hook_event_name`,
 * `session_id`, `cwd`, `tool_name`, `tool_input`, `tool_use_id`, … A PreToolUse is denied
 * with `hookSpecificOutput.permissionDecision = "deny"`, as in Claude Code; a
 * PermissionRequest means Codex is about to ask a person (an approval prompt); Stop ends a
 * turn, after which Codex waits for the next prompt. This adapter translates each into the
 * Claude Code vocabulary the decision speaks, so every runtime gets the same decisions.
 */
import { z } from 'zod';
import type { ClaudeHookInput, HookVerdict } from '../hookDecision';

export const CodexHookInput = z
  .object({
    hook_event_name: z.string(),
    session_id: z.string().optional(),
    turn_id: z.string().optional(),
    cwd: z.string().optional(),
    tool_name: z.string().optional(),
    tool_input: z.unknown().optional(),
    tool_use_id: z.string().optional(),
  })
  .passthrough();
export type CodexHookInput = z.infer<typeof CodexHookInput>;

/** Codex's multi-agent tool that starts a sub-agent. */
export const CODEX_SPAWN_TOOLS = new Set(['spawn_agent']);

/** What the hook means in the shared vocabulary, and what to record about a person being waited on. */
export interface TranslatedHook {
  readonly input: ClaudeHookInput;
  /** The agent now waits on a person (message for the alert), or null. */
  readonly waiting: string | null;
}

function commandOf(toolInput: unknown): string {
  const t = toolInput as { command?: unknown; description?: unknown } | undefined;
  const text = typeof t?.description === 'string' && t.description ? t.description : t?.command;
  return typeof text === 'string' ? text.slice(0, 200) : '';
}

export function translateCodexHook(input: CodexHookInput): TranslatedHook {
  const tool = input.tool_name ?? '';
  const shared: ClaudeHookInput = {
    ...input,
    tool_name: CODEX_SPAWN_TOOLS.has(tool) ? 'Agent' : tool,
  };
  if (input.hook_event_name === 'PermissionRequest') {
    const what = commandOf(input.tool_input);
    return {
      input: { ...shared, hook_event_name: 'Notification' },
      waiting: `Codex needs your permission${tool === 'NetworkAccess' ? ' for network access' : ` to use ${tool || 'a tool'}`}${what ? `: ${what}` : ''}`,
    };
  }
  if (input.hook_event_name === 'Stop')
    return {
      input: { ...shared, hook_event_name: 'Stop' },
      waiting: 'Codex finished its turn and waits for your next prompt',
    };
  return { input: shared, waiting: null };
}

/**
 * Codex's answer. PreToolUse takes the same `permissionDecision` shape as Claude Code;
 * PermissionRequest is left to the person (no output falls back to Codex's own prompt), as
 * is every other event.
 */
export function codexHookOutput(event: string, v: HookVerdict): Record<string, unknown> | null {
  if (v.kind !== 'deny') return null;
  if (event === 'PermissionRequest')
    return {
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: v.reason } },
    };
  if (event !== 'PreToolUse') return null;
  return {
    hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: v.reason },
  };
}
