import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AgentRuntime } from '../core/manifest';
import { installClaudeHooks, readHookSettings } from './claudeHookOps';

type HookEntry = { matcher?: string; hooks: { type: string; command: string; name?: string }[] };

/**
 * Each runtime's hook file in a checkout, and the events S² listens to there. Codex reads
 * `.codex/hooks.json` (the same shape as Claude Code's settings); Gemini CLI reads `hooks`
 * in `.gemini/settings.json`. What is in those files already is kept.
 */
const RUNTIME_HOOKS: Record<
  Exclude<AgentRuntime, 'claude'>,
  { file: string; events: [string, string | undefined][] }
> = {
  codex: {
    file: path.join('.codex', 'hooks.json'),
    events: [
      ['PreToolUse', undefined],
      ['PostToolUse', undefined],
      ['PermissionRequest', undefined],
      ['UserPromptSubmit', undefined],
      ['Stop', undefined],
    ],
  },
  gemini: {
    file: path.join('.gemini', 'settings.json'),
    events: [
      ['BeforeTool', '.*'],
      ['AfterTool', '.*'],
      ['Notification', undefined],
      ['BeforeAgent', undefined],
    ],
  },
};

/** Install the hook entries that run `command` for `runtime` in the checkout at `root`. */
export async function installRuntimeHooks(
  root: string,
  runtime: AgentRuntime,
  command: string,
): Promise<{ file: string; added: string[] }> {
  if (runtime === 'claude') return installClaudeHooks(root, command);
  const spec = RUNTIME_HOOKS[runtime];
  const file = path.join(root, spec.file);
  let settings: { hooks?: Record<string, HookEntry[]> } & Record<string, unknown> = {};
  settings = (await readHookSettings<typeof settings>(file)) ?? settings;
  settings.hooks ??= {};
  const added: string[] = [];
  for (const [event, matcher] of spec.events) {
    const list = (settings.hooks[event] ??= []);
    if (list.some((m) => m.hooks.some((h) => h.command === command))) continue;
    // Gemini names its hooks in logs; Codex's handler takes no such field.
    const hook = runtime === 'gemini' ? { type: 'command', command, name: 's2' } : { type: 'command', command };
    list.push({ ...(matcher ? { matcher } : {}), hooks: [hook] });
    added.push(event);
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(settings, null, 2)}\n`);
  return { file, added };
}
