/**
 * `s2 hook codex` and `s2 hook gemini`: each runtime's documented hook input, translated into
 * the shared vocabulary, decided by the same guards as Claude Code's, answered in the
 * runtime's own output shape.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { codexHookOutput, CodexHookInput, translateCodexHook, TranslatedHook } from '../core/hooks/codexHook';
import {
  GEMINI_BUILTIN_AGENTS,
  GeminiHookInput,
  geminiHookOutput,
  translateGeminiHook,
} from '../core/hooks/geminiHook';
import type { HookVerdict } from '../core/hookDecision';
import { handleHookInput, parseHookStdin } from './claudeHookOps';
import type { SwarmSession } from './swarmSession';

export async function handleRuntimeHook(
  s: SwarmSession,
  runtime: 'codex' | 'gemini',
  stdinText: string,
): Promise<{ verdict: HookVerdict; output: Record<string, unknown> | null }> {
  const raw = parseHookStdin(stdinText, runtime);
  const schema = runtime === 'codex' ? CodexHookInput : GeminiHookInput;
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new S2Error('USAGE', `the ${runtime} hook input lacks ${parsed.error.issues[0]!.path.join('.') || 'fields'}`);
  const event = parsed.data.hook_event_name;
  const t: TranslatedHook =
    runtime === 'codex'
      ? translateCodexHook(parsed.data)
      : translateGeminiHook(parsed.data, await geminiAgentTools(parsed.data.cwd ?? s.ctx.root));
  const { verdict } = await handleHookInput(s, t.input, { runtime, waiting: t.waiting });
  return { verdict, output: runtime === 'codex' ? codexHookOutput(event, verdict) : geminiHookOutput(event, verdict) };
}

/** Gemini's sub-agents are tools named after them: the built-in ones and `.gemini/agents/*.md`. */
async function geminiAgentTools(cwd: string): Promise<Set<string>> {
  const names = await fs.readdir(path.join(cwd, '.gemini', 'agents')).catch(() => [] as string[]);
  return new Set([...GEMINI_BUILTIN_AGENTS, ...names.filter((n) => n.endsWith('.md')).map((n) => n.slice(0, -3))]);
}
