/**
 * Gemini CLI's hook protocol (google-gemini/gemini-cli, docs/hooks/reference.md): one JSON
 * object on stdin (`hook_event_name`, `session_id`, `cwd`, `timestamp`, and for tools
 * `tool_name`, `tool_input`); a BeforeTool is blocked by `{"decision": "deny", "reason"}` on
 * stdout (exit 0) — or by exit code 2 with the reason on stderr. A Notification of type
 * `ToolPermission` means Gemini asks a person; it cannot be answered by a hook.
 * Sub-agents are tools named after the agent: the built-in ones below and every agent
 * defined in `.gemini/agents/*.md`.
 */
import { z } from 'zod';
import { sha256 } from '../signing';
import type { HookVerdict } from '../hookDecision';
import type { TranslatedHook } from './codexHook';

export const GeminiHookInput = z
  .object({
    hook_event_name: z.string(),
    session_id: z.string().optional(),
    cwd: z.string().optional(),
    timestamp: z.string().optional(),
    tool_name: z.string().optional(),
    tool_input: z.unknown().optional(),
    notification_type: z.string().optional(),
    message: z.string().optional(),
    details: z.unknown().optional(),
  })
  .passthrough();
export type GeminiHookInput = z.infer<typeof GeminiHookInput>;

export const GEMINI_BUILTIN_AGENTS = ['codebase_investigator', 'cli_help', 'generalist', 'browser_agent'];

const EVENTS: Readonly<Record<string, string>> = {
  BeforeTool: 'PreToolUse',
  AfterTool: 'PostToolUse',
  Notification: 'Notification',
  AfterAgent: 'Stop',
};

export function translateGeminiHook(input: GeminiHookInput, agentTools: ReadonlySet<string>): TranslatedHook {
  const tool = input.tool_name ?? '';
  // Gemini gives no call id: a spawn and its end are paired by the call's own content.
  const callId = `gemini-${sha256(`${input.session_id ?? ''}\n${tool}\n${JSON.stringify(input.tool_input ?? null)}`).slice(0, 16)}`;
  const event = EVENTS[input.hook_event_name] ?? input.hook_event_name;
  const translated = {
    ...input,
    hook_event_name: event,
    tool_name: agentTools.has(tool) ? 'Agent' : tool,
    tool_use_id: callId,
  };
  if (input.hook_event_name === 'Notification')
    return {
      input: translated,
      waiting: `Gemini ${input.notification_type === 'ToolPermission' ? 'needs your permission' : 'waits for you'}${input.message ? `: ${input.message.slice(0, 200)}` : ''}`,
    };
  return { input: translated, waiting: null };
}

/** Gemini's answer: `decision: "deny"` with the reason, which Gemini sends to the agent as the tool's error. */
export function geminiHookOutput(event: string, v: HookVerdict): Record<string, unknown> | null {
  if (v.kind !== 'deny' || event !== 'BeforeTool') return null;
  return { decision: 'deny', reason: v.reason };
}
