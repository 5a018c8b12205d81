/**
 * What `s2 hook claude` does before it decides: meter the spend the runtime recorded since the
 * last call (no `s2 spend` needed for the budget to be right), and free the agent slots whose
 * end the runtime recorded — a spawn's tool_result in the transcript, or a background agent's
 * SubagentStop. A PostToolUse alone (which any agent can forge by running the hook by hand)
 * frees nothing. Returns true when it wrote something, so the caller reads the view again.
 */
import { promises as fs } from 'node:fs';
import type { ClaudeHookInput } from '../core/hookDecision';
import type { Snapshot } from '../core/snapshot';
import { type MeteredSpend, type MeterResult, TranscriptMeter, transcriptFiles } from './transcriptMeter';
import type { SwarmSession } from './swarmSession';

/**
 * Meter `files` into this session's ledger: every message not yet in it (by id, so a message is
 * counted once whoever meters it: the hook, or the loop when the hook did not run), one signed
 * spend entry per model, labelled by `how`.
 */
export async function meterIntoLedger(
  s: SwarmSession,
  snapshot: Snapshot,
  me: string,
  meter: TranscriptMeter,
  files: readonly string[],
  how: {
    source: 'claude-hook' | 'claude-loop';
    note: (sp: MeteredSpend) => string;
    message: (sp: MeteredSpend) => string;
  },
): Promise<MeterResult> {
  const already = new Set((snapshot.sessions[me]?.ledger ?? []).flatMap((e) => e.refs ?? []));
  const store = await s.store(snapshot.plan);
  return meter.meter(files, snapshot.plan.pricing, already, async (spends) => {
    for (const sp of spends)
      await store.commit({
        ledger: {
          kind: 'spend',
          session: me,
          at: s.now().toISOString(),
          usd: sp.usd,
          model: sp.model,
          note: how.note(sp),
          source: how.source,
          refs: [...sp.ids],
        },
        message: how.message(sp),
      });
  });
}

export async function meterClaudeHook(
  s: SwarmSession,
  snapshot: Snapshot,
  me: string,
  input: ClaudeHookInput,
): Promise<boolean> {
  const transcript = typeof input['transcript_path'] === 'string' ? (input['transcript_path'] as string) : null;
  if (!transcript) return false;
  const agentTranscript =
    typeof input['agent_transcript_path'] === 'string' ? (input['agent_transcript_path'] as string) : null;
  const files = await transcriptFiles(transcript, agentTranscript ? [agentTranscript] : []);
  const meter = TranscriptMeter.forSession(s.ctx.commonDir, me);
  const r = await meterIntoLedger(s, snapshot, me, meter, files, {
    source: 'claude-hook',
    note: (sp) =>
      `${sp.ids.length} message(s) metered from the Claude Code transcript${sp.priced ? '' : ' (UNPRICED_MODEL: at the highest price of the table)'}`,
    message: (sp) => `metered $${sp.usd.toFixed(4)} (${sp.model})`,
  });
  const ended = new Set([...r.toolResults].map((id) => `claude:${id}`));
  if (input.hook_event_name === 'SubagentStop' && agentTranscript) {
    const id = await backgroundToolUseId(agentTranscript);
    if (id) ended.add(`claude-bg:${id}`);
  }
  const running = snapshot.sessions[me]?.status?.agents.running ?? [];
  const release = running.filter((a) => ended.has(a));
  if (release.length)
    await (
      await s.store(snapshot.plan)
    ).commit({
      status: (st) => ({ ...st, agents: { ...st.agents, running: st.agents.running.filter((a) => !ended.has(a)) } }),
      witness: { action: 'agent-stop', detail: `${release.join(', ')} (ended in the Claude Code transcript)` },
      message: `agents ended: ${release.join(', ')}`,
    });
  return r.spends.length > 0 || release.length > 0;
}

/** The tool_use id of the spawn a sub-agent transcript belongs to (Claude Code's agent-<id>.meta.json). */
async function backgroundToolUseId(agentTranscript: string): Promise<string | null> {
  try {
    const meta = JSON.parse(await fs.readFile(agentTranscript.replace(/\.jsonl$/, '.meta.json'), 'utf8')) as {
      toolUseId?: unknown;
    };
    return typeof meta.toolUseId === 'string' ? meta.toolUseId : null;
  } catch {
    return null;
  }
}
