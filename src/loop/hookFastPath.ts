/**
 * `s2 hook claude` without reading the swarm: the answer of the last full read (the decision
 * cache, hookCache.ts) while every ref it was computed from is unchanged, plus the spend the
 * runtime's transcript shows since the last metering, counted against the budget. Agent
 * slots a spawn takes and its end frees are counted in the clone's slot journal
 * (agentSlotJournal.ts), under its lock, and committed by the next full read. Loaded by the
 * CLI's entry (src/cli/bin.ts) before anything else: it imports no zod, no YAML, no git
 * process. Returns null whenever it cannot be sure — no cache, a stale or forged one, a
 * deny, a wait to record — and the caller runs the full hook.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { findPrice, priceUsage } from '../core/claudeUsage';
import { parseTranscriptChunk } from '../core/claudeTranscript';
import { isSubagentTool } from '../core/hookTools';
import { FastAnswer, fastHookVerdict, HookCall, UnmeteredSpend } from '../core/hookFastDecision';
import type { ModelPrice } from '../core/manifest';
import { highestPrice } from '../core/pricingTable';
import { LocalStateKey } from '../git/localState';
import { headBranch, locateGitDirs, readRefTips } from '../git/refTips';
import {
  applySlots,
  MAX_JOURNAL_ENTRIES,
  readSlotJournal,
  SlotEntry,
  slotJournalFile,
  withSlotLock,
  writeSlotJournal,
} from './agentSlotJournal';
import { HookCache, HOOK_CACHE_MAX_AGE_SECONDS, hookCacheFile, hookEnvKey, readHookCache } from './hookCache';
import { noteHookSeen } from './hookSeen';
import { readFrom, TranscriptMeter, transcriptFiles } from './transcriptMeter';

export interface FastHookArgs {
  readonly repo: string;
  /** --session, else $S2_SESSION; null: the session of the branch checked out. */
  readonly session: string | null;
  readonly env: NodeJS.ProcessEnv;
  readonly stdinText: string;
  readonly now: Date;
}

/** More unmetered transcript than this is metered by the full path rather than re-read on every call. */
export const MAX_UNMETERED_BYTES = 256 * 1024;

export async function fastHook(a: FastHookArgs): Promise<'pass' | null> {
  // git honours these over the directory: the files this path reads might not be the repository git would use.
  if (a.env['GIT_DIR'] || a.env['GIT_COMMON_DIR'] || a.env['GIT_WORK_TREE']) return null;
  let call: HookCall & { transcript_path?: unknown; agent_transcript_path?: unknown };
  try {
    call = JSON.parse(a.stdinText) as typeof call;
  } catch {
    return null;
  }
  if (!call || typeof call !== 'object' || typeof call.hook_event_name !== 'string') return null;
  const dirs = await locateGitDirs(a.repo);
  const key = dirs && (await LocalStateKey.existing(a.env));
  if (!dirs || !key) return null;
  const branch = a.session ? null : await headBranch(dirs.gitDir);
  if (!a.session && !branch) return null;
  const cache = await readHookCache(
    hookCacheFile(dirs.commonDir, a.session ? { session: a.session } : { branch: branch! }),
    key,
  );
  if (!cache || (a.session ? cache.session !== a.session : cache.branch !== branch)) return null;
  const age = (a.now.getTime() - Date.parse(cache.computedAt)) / 1000;
  if (!(age >= 0 && age <= HOOK_CACHE_MAX_AGE_SECONDS) || cache.envKey !== hookEnvKey(a.env)) return null;
  if (await failing(dirs.commonDir)) return null;
  if (!(await tipsUnmoved(dirs.commonDir, cache))) return null;
  const unmetered = await unmeteredSpend(dirs.commonDir, cache.session, call, cache.pricing);
  if (!unmetered) return null;
  // Most calls neither spawn nor see a result: the slots cannot change their answer, so the journal is not read.
  const slotsMatter = unmetered.toolResults.length > 0 || isSubagentTool(call.tool_name ?? '', call.tool_input);
  const journalFile = slotJournalFile(dirs.commonDir, cache.session);
  let running = cache.agentsRunning;
  if (slotsMatter) {
    const journal = await readSlotJournal(journalFile, key, cache.session);
    if (typeof journal === 'string' || journal.epoch !== cache.slotEpoch) return null;
    running = applySlots(cache.agentsRunning, journal.entries);
  }
  const answer = fastHookVerdict(cache, call, unmetered, running);
  if (!answer) return null;
  if (answer.start || answer.stops.length) {
    // The cap's compare-and-swap: decide again under the lock, on the journal as it is now.
    const counted = await withSlotLock(journalFile, 50, async () => {
      // A commit of the journal moves the session's own branch: the one ref that must not have moved since.
      if (!(await tipsUnmoved(dirs.commonDir, cache, (r) => r.endsWith(`/s2/sessions/${cache.session}`)))) return false;
      const j = await readSlotJournal(journalFile, key, cache.session);
      if (typeof j === 'string' || j.epoch !== cache.slotEpoch || j.entries.length >= MAX_JOURNAL_ENTRIES) return false;
      const again = fastHookVerdict(cache, call, unmetered, applySlots(cache.agentsRunning, j.entries));
      if (!again) return false;
      const added = slotEntries(again, a.now.toISOString());
      if (added.length) await writeSlotJournal(journalFile, key, { ...j, entries: [...j.entries, ...added] });
      return true;
    }).catch(() => null);
    if (!counted) return null;
  }
  // The hook ran for these tool calls, though the meter has not moved past them (hookWatch.ts).
  await noteHookSeen(dirs.commonDir, cache.session, key, unmetered.toolUses).catch(() => {});
  return 'pass';
}

function slotEntries(answer: FastAnswer, at: string): SlotEntry[] {
  return [
    ...answer.stops.map((id) => ({ op: 'stop' as const, id, at })),
    ...(answer.start ? [{ op: 'start' as const, id: answer.start, at }] : []),
  ];
}

/** Every ref the cached standing was computed from (or those `which` picks) is where it was. */
async function tipsUnmoved(commonDir: string, cache: HookCache, which?: (ref: string) => boolean): Promise<boolean> {
  const names = Object.keys(cache.refs).filter((r) => !which || which(r));
  const tips = await readRefTips(commonDir, names);
  return !!tips && names.every((r) => tips[r] === cache.refs[r]);
}

/** The hook's blind clock runs (hookFailure.ts): the full path decides, and keeps the clock. */
async function failing(commonDir: string): Promise<boolean> {
  try {
    const h = JSON.parse(readFileSync(path.join(commonDir, 's2', 'hook-health.json'), 'utf8')) as {
      failingSince?: unknown;
    };
    return !!h.failingSince;
  } catch {
    return false;
  }
}

/**
 * An upper bound of the spend in the transcripts past the meter's offsets: every message
 * there priced in full (the meter counts a message once, and only its growth), at the
 * table's highest price when its model has none. Null when there is too much to read.
 */
async function unmeteredSpend(
  commonDir: string,
  session: string,
  call: { transcript_path?: unknown; agent_transcript_path?: unknown },
  pricing: Readonly<Record<string, ModelPrice>>,
): Promise<(UnmeteredSpend & { toolUses: string[] }) | null> {
  if (typeof call.transcript_path !== 'string') return { usd: 0, toolResults: [], toolUses: [] };
  const extra = typeof call.agent_transcript_path === 'string' ? [call.agent_transcript_path] : [];
  const files = await transcriptFiles(call.transcript_path, extra);
  let offsets: Record<string, { offset: number; head: string }> = {};
  try {
    const stateFile = TranscriptMeter.forSession(commonDir, session).stateFile;
    offsets = (JSON.parse(readFileSync(stateFile, 'utf8')) as { files?: typeof offsets }).files ?? {};
  } catch {
    /* never metered: everything is unmetered */
  }
  let usd = 0;
  let bytes = 0;
  const toolResults: string[] = [];
  const toolUses: string[] = [];
  for (const file of files) {
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (size - (offsets[file]?.offset ?? 0) > MAX_UNMETERED_BYTES) return null;
    const r = await readFrom(file, offsets[file]);
    if (!r) continue;
    bytes += r.bytes.length;
    if (bytes > MAX_UNMETERED_BYTES) return null;
    const chunk = parseTranscriptChunk(r.bytes);
    toolResults.push(...chunk.toolResults);
    toolUses.push(...chunk.toolUses.map((u) => u.id));
    for (const m of chunk.messages) usd += priceUsage(m.usage, findPrice(pricing, m.model) ?? highestPrice(pricing));
  }
  return { usd, toolResults, toolUses };
}
