import { sessionPlan } from '../core/manifest';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { ClaudeHookInput, decideHook, hookOutput, HookVerdict } from '../core/hookDecision';
import { parseClaudeLog } from '../core/claudeUsage';
import type { LedgerEntry } from '../core/records';
import { meterClaudeHook } from './claudeMetering';
import type { SwarmSession } from './swarmSession';
import { recordAwaitingInput } from './awaitingInputOps';
import { commitSlotJournal } from './agentSlotCommit';

/** The one JSON object a runtime sends a hook on stdin; anything else is a usage error. */
export function parseHookStdin(stdinText: string, runtime: string): unknown {
  try {
    return JSON.parse(stdinText);
  } catch {
    throw new S2Error('USAGE', `the hook input on stdin is not JSON (${runtime} sends one JSON object per hook call)`);
  }
}

/** A runtime's settings file as JSON, null when there is none; a file that is not JSON is refused, never overwritten. */
export async function readHookSettings<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new S2Error('USAGE', `${file} is not valid JSON; fix it before installing hooks`);
    return null;
  }
}

/** `s2 hook claude`: read one hook input, decide through the guards, record agent starts and stops. */
export async function handleClaudeHook(
  s: SwarmSession,
  stdinText: string,
): Promise<{ verdict: HookVerdict; output: Record<string, unknown> | null }> {
  const raw = parseHookStdin(stdinText, 'Claude Code');
  const parsed = ClaudeHookInput.safeParse(raw);
  if (!parsed.success) throw new S2Error('USAGE', `the hook input lacks ${parsed.error.issues[0]!.path.join('.')}`);
  const message = parsed.data['message'];
  const waiting =
    parsed.data.hook_event_name === 'Notification'
      ? (typeof message === 'string' && message) || 'Claude waits for you'
      : null;
  return handleHookInput(s, parsed.data, { runtime: 'claude', waiting });
}

/**
 * One hook call in the shared (Claude Code) vocabulary, whichever runtime sent it: decide
 * through the guards, count sub-agent starts and stops, record a wait on a person.
 */
export async function handleHookInput(
  s: SwarmSession,
  input: ClaudeHookInput,
  opts: { runtime: string; waiting: string | null },
): Promise<{ verdict: HookVerdict; output: Record<string, unknown> | null }> {
  let { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  // Slots the fast path counted since the last full call count from here on (agentSlotJournal.ts).
  if ((await commitSlotJournal(s, snapshot, me)).committed) ({ snapshot, view } = await s.view());
  // Claude Code's transcript meters spend and ends agent slots before the guards decide (claudeMetering.ts).
  if (opts.runtime === 'claude' && (await meterClaudeHook(s, snapshot, me, input)))
    ({ snapshot, view } = await s.view());
  const verdict = decideHook(view, me, input, { endsOnPostToolUse: opts.runtime !== 'claude' });
  await recordAwaitingInput(s, snapshot, me, opts.runtime, input.hook_event_name, opts.waiting);
  if (verdict.kind === 'allow-spawn' || verdict.kind === 'stop-agent') {
    const cap = sessionPlan(snapshot.plan, me)!.maxAgents;
    const { full } = await commitSlotJournal(s, snapshot, me, {
      start: verdict.kind === 'allow-spawn',
      id: verdict.agentId,
      cap,
      runtime: opts.runtime,
    });
    if (full) {
      const denied: HookVerdict = {
        kind: 'deny',
        reason: `S² agent guard: agent cap: ${cap} of ${cap} agents already run; stop one first`,
      };
      return { verdict: denied, output: hookOutput(denied) };
    }
  }
  return { verdict, output: hookOutput(verdict) };
}

/** Writes the hook entries into `.claude/settings.json` of the checkout, keeping what is there. */
export async function installClaudeHooks(
  root: string,
  command: string,
  settingsFile = 'settings.json',
): Promise<{ file: string; added: string[] }> {
  const file = path.join(root, '.claude', settingsFile);
  let settings: { hooks?: Record<string, { matcher?: string; hooks: { type: string; command: string }[] }[]> } & Record<
    string,
    unknown
  > = {};
  settings = (await readHookSettings(file)) ?? settings;
  settings.hooks ??= {};
  const added: string[] = [];
  // Notification: Claude Code needs a permission or sits idle (a person is waited on);
  // UserPromptSubmit: the person answered. Neither takes a tool matcher.
  for (const [event, matcher] of [
    ['PreToolUse', '*'],
    ['PostToolUse', 'Task|Agent'],
    ['Notification', undefined],
    ['UserPromptSubmit', undefined],
    ['PostToolUseFailure', 'Task|Agent'],
    ['SubagentStop', '*'],
  ] as const) {
    const list = (settings.hooks[event] ??= []);
    if (list.some((m) => m.hooks.some((h) => h.command === command))) continue;
    list.push({ ...(matcher ? { matcher } : {}), hooks: [{ type: 'command', command }] });
    added.push(event);
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(settings, null, 2)}\n`);
  return { file, added };
}

/** Import Claude Code usage logs into the ledger, once per message. */
export async function importClaudeUsage(
  s: SwarmSession,
  files: readonly string[],
): Promise<{ usd: number; messages: number; unpriced: string[] }> {
  const { snapshot } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const already = new Set((snapshot.sessions[me]?.ledger ?? []).flatMap((e: LedgerEntry) => e.refs ?? []));
  let usd = 0;
  const refs: string[] = [];
  const unpriced = new Set<string>();
  const byModel = new Map<string, number>();
  for (const f of files) {
    const text = await fs.readFile(f, 'utf8').catch(() => {
      throw new S2Error('USAGE', `cannot read Claude Code log ${f}`);
    });
    const r = parseClaudeLog(text, snapshot.plan.pricing);
    r.unpriced.forEach((m) => unpriced.add(m));
    for (const l of r.lines) {
      if (already.has(l.id)) continue;
      already.add(l.id);
      refs.push(l.id);
      usd += l.usd;
      byModel.set(l.model, (byModel.get(l.model) ?? 0) + l.usd);
    }
  }
  if (refs.length) {
    const store = await s.store(snapshot.plan);
    const model = [...byModel.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    await store.commit({
      ledger: {
        kind: 'spend',
        session: me,
        at: s.now().toISOString(),
        usd: Math.round(usd * 1e6) / 1e6,
        model,
        note: `${refs.length} message(s) from Claude Code logs`,
        source: 'claude-log',
        refs,
      },
      message: `import Claude Code usage: $${usd.toFixed(4)}`,
    });
  }
  return { usd, messages: refs.length, unpriced: [...unpriced] };
}
