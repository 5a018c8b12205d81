/**
 * Claude Code's transcript (`transcript_path` in every hook input) is JSON lines, appended as
 * the session runs. An assistant line carries `message.id`, `message.model` and
 * `message.usage`; one API response is written as several lines (one per content block) that
 * share the message id and repeat its usage, so a message counts once, at its largest usage.
 * User lines carry `tool_result` blocks naming the `tool_use_id` they answer. Sub-agents write
 * the same lines to `<session>/subagents/agent-<id>.jsonl` beside the main transcript.
 */
import type { Usage } from './claudeUsage';

export interface TranscriptMessage {
  readonly id: string;
  readonly model: string;
  readonly usage: Usage;
  readonly tokens: number;
}

export interface TranscriptChunk {
  /** Bytes of complete lines read; a partial last line is read again next time. */
  readonly consumed: number;
  readonly messages: readonly TranscriptMessage[];
  /** tool_use ids answered by a tool_result in these lines (the runtime's own record of a finished call). */
  readonly toolResults: readonly string[];
  /**
   * tool_use blocks the assistant wrote, with the line's time: each one runs a PreToolUse hook
   * before the tool, so a hook that reads the transcript is past them soon after (hookWatch.ts).
   */
  readonly toolUses: readonly { readonly id: string; readonly at: number }[];
  readonly badLines: number;
}

const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0);

export function usageTokens(u: Usage): number {
  return (
    num(u.input_tokens) + num(u.output_tokens) + num(u.cache_creation_input_tokens) + num(u.cache_read_input_tokens)
  );
}

interface Line {
  type?: string;
  requestId?: string;
  uuid?: string;
  timestamp?: string;
  message?: { id?: string; model?: string; usage?: Usage; content?: unknown };
}

export function parseTranscriptChunk(buf: Buffer): TranscriptChunk {
  const end = buf.lastIndexOf(0x0a);
  if (end < 0) return { consumed: 0, messages: [], toolResults: [], toolUses: [], badLines: 0 };
  const text = buf.subarray(0, end + 1).toString('utf8');
  const byId = new Map<string, TranscriptMessage>();
  const toolResults: string[] = [];
  const toolUses: { id: string; at: number }[] = [];
  let badLines = 0;
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    // Cheap filter: most lines are neither usage nor tool results; skip parsing them.
    const usage = raw.includes('"usage"');
    const result = raw.includes('"tool_result"');
    if (!usage && !result) continue;
    let o: Line;
    try {
      o = JSON.parse(raw) as Line;
    } catch {
      badLines++;
      continue;
    }
    const msg = o.message;
    if (o.type === 'assistant' && msg?.usage && typeof msg.model === 'string') {
      if (Array.isArray(msg.content))
        for (const c of msg.content as { type?: string; id?: string }[])
          if (c?.type === 'tool_use' && typeof c.id === 'string')
            toolUses.push({ id: c.id, at: Date.parse(o.timestamp ?? '') || 0 });
      const tokens = usageTokens(msg.usage);
      if (tokens === 0) continue; // synthetic messages (model "<synthetic>") cost nothing
      const id = msg.id ?? o.requestId ?? o.uuid;
      if (!id) continue;
      const prev = byId.get(id);
      if (!prev || tokens > prev.tokens) byId.set(id, { id, model: msg.model, usage: msg.usage, tokens });
    } else if (o.type === 'user' && Array.isArray(msg?.content)) {
      for (const c of msg!.content as { type?: string; tool_use_id?: string }[])
        if (c?.type === 'tool_result' && typeof c.tool_use_id === 'string') toolResults.push(c.tool_use_id);
    }
  }
  return { consumed: end + 1, messages: [...byId.values()], toolResults, toolUses, badLines };
}
