/**
 * The loop watches that the session's Claude Code hooks still run. The hook is what enforces
 * the sub-agent cap and the budget stop and what meters spend (claudeMetering.ts); an agent
 * that edits its own checkout can switch it off (`disableAllHooks`, the entries removed from
 * `.claude/settings.json`, or an environment that skips hooks). Two kinds of evidence, both
 * read from this machine:
 *  - the settings: our PreToolUse entry is gone, or `disableAllHooks` is set in a file Claude
 *    Code reads;
 *  - the transcript: tool calls written more than a grace period ago that no hook call read
 *    (every tool call runs PreToolUse first, and the hook reads the transcript up to it).
 * On the second, the loop meters the transcript itself (source `claude-loop`, counted as
 * metered spend), so staying silent does not hide spend. Either raises one HOOKS_OFF event
 * until the hook is seen running again.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SwarmEvent } from '../core/events';
import { sessionPlan } from '../core/manifest';
import type { Snapshot } from '../core/snapshot';
import { LocalStateKey } from '../git/localState';
import { readRegistry } from './checkoutRegistry';
import { meterIntoLedger } from './claudeMetering';
import { readHookSeen } from './hookSeen';
import type { SwarmSession } from './swarmSession';
import { TranscriptMeter, transcriptFiles } from './transcriptMeter';

/** A tool call older than this, unread by any hook, is evidence that the hook did not run. */
export const HOOK_GRACE_MS = 120_000;
/** Two such calls, so one tool call whose line was flushed after its own hook read is not enough. */
const SILENT_CALLS = 2;
/** Transcripts untouched for longer than this belong to finished Claude sessions. */
const RECENT_MS = 24 * 3600_000;

export class HookWatch {
  private silent = false;
  /** Offsets the loop left after metering: a hook that runs again moves past them. */
  private leftAt: Record<string, number> = {};
  private lastKey: string | null = null;

  constructor(private readonly s: SwarmSession) {}

  /** Events to raise this tick (at most one, when the hooks' state changed). */
  async check(snapshot: Snapshot, me: string): Promise<SwarmEvent[]> {
    const plan = sessionPlan(snapshot.plan, me);
    if (!plan || plan.agent.runtime !== 'claude') return [];
    const meter = TranscriptMeter.forSession(this.s.ctx.commonDir, me);
    const offsets = await meter.offsets();
    const opened = Object.values(await readRegistry(this.s.ctx.commonDir)).find(
      (e) => path.resolve(e.path) === path.resolve(this.s.ctx.root) && e.runtime === 'claude',
    );
    if (!opened && Object.keys(offsets).length === 0) return [];
    const claudeHome = this.s.env['CLAUDE_CONFIG_DIR'] || path.join(os.homedir(), '.claude');
    const settingsProblem = await claudeHookSettingsProblem(this.s.ctx.root, claudeHome);
    if (this.silent && Object.entries(this.leftAt).some(([f, at]) => (offsets[f] ?? 0) > at)) this.silent = false;
    // Transcripts the hook never read count only when the Claude session began after `s2 session
    // open`: work done in the checkout before the swarm is neither a silent hook nor the swarm's spend.
    const files = await sessionTranscripts(
      this.s.ctx.root,
      claudeHome,
      Object.keys(offsets),
      this.s.now().getTime(),
      opened ? Date.parse(opened.openedAt) : null,
    );
    const now = this.s.now().getTime();
    // Calls the hook's fast path answered were read by a hook, though the meter is not past them yet.
    const stateKey = await LocalStateKey.existing(this.s.env);
    const seen = stateKey ? await readHookSeen(this.s.ctx.commonDir, me, stateKey) : new Set<string>();
    const pending = (await meter.pendingToolUses(files)).filter((u) => u.at > 0 && now - u.at > HOOK_GRACE_MS);
    const unread = pending.filter((u) => !seen.has(u.id));
    let meteredUsd = 0;
    if (unread.length >= SILENT_CALLS) {
      this.silent = true;
      meteredUsd = await this.meterItself(snapshot, me, meter, files, unread.length);
      this.leftAt = await meter.offsets();
    } else if (pending.length)
      // The hook answered these from its cache and has not read in full since (the agent went
      // quiet): their spend is recorded here, so other sessions see it without waiting.
      await this.meterItself(snapshot, me, meter, files, pending.length, 'the hook answered from its cache');
    const why = settingsProblem
      ? settingsProblem
      : this.silent
        ? `its Claude Code made ${unread.length || 'several'} tool calls that no s2 hook call saw (hooks removed or skipped?)`
        : null;
    const key = why ? `hooks-off:${settingsProblem ? 'settings' : 'silent'}` : null;
    const fresh = key !== null && key !== this.lastKey;
    this.lastKey = key;
    if (!fresh) return [];
    const fix = settingsProblem?.startsWith('disableAllHooks')
      ? 'remove disableAllHooks from that file'
      : settingsProblem
        ? 's2 install-hooks (or S2: Open Session) puts them back'
        : 'check how the agent was started (an environment or flag that skips hooks)';
    return [
      {
        type: 'HOOKS_OFF',
        key: key!,
        session: me,
        message:
          `${me}'s hooks are off: ${why}. Sub-agent caps and budget stops are not enforced until they run again` +
          `${meteredUsd > 0 ? `; this loop metered $${meteredUsd.toFixed(2)} from the transcript` : ''}. To fix: ${fix}.`,
        refs: [me],
      },
    ];
  }

  private async meterItself(
    snapshot: Snapshot,
    me: string,
    meter: TranscriptMeter,
    files: readonly string[],
    calls: number,
    why = 'no hook call read',
  ): Promise<number> {
    const r = await meterIntoLedger(this.s, snapshot, me, meter, files, {
      source: 'claude-loop',
      note: (sp) =>
        `${sp.ids.length} message(s) metered by the loop: ${calls} tool call(s) in the Claude Code transcript that ${why}`,
      message: (sp) =>
        `loop metered $${sp.usd.toFixed(4)} (${sp.model}): ${why === 'no hook call read' ? 'the hook did not run' : why}`,
    });
    return r.spends.reduce((sum, sp) => sum + sp.usd, 0);
  }
}

/** What in Claude Code's settings keeps our hook from running in `root`, or null. */
export async function claudeHookSettingsProblem(root: string, claudeHome: string): Promise<string | null> {
  const files = [
    [path.join(root, '.claude', 'settings.json'), '.claude/settings.json'],
    [path.join(root, '.claude', 'settings.local.json'), '.claude/settings.local.json'],
    [path.join(claudeHome, 'settings.json'), `${claudeHome}/settings.json`],
  ] as const;
  let preToolUse = false;
  for (const [file, name] of files) {
    const text = await fs.readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    let settings: { disableAllHooks?: unknown; hooks?: Record<string, { hooks?: { command?: unknown }[] }[]> };
    try {
      settings = JSON.parse(text);
    } catch {
      // Claude Code ignores a file it cannot parse, hooks included.
      if (name === '.claude/settings.json') return `${name} is not valid JSON, so Claude Code reads none of its hooks`;
      continue;
    }
    if (settings.disableAllHooks === true) return `disableAllHooks is set in ${name}`;
    const entries = Array.isArray(settings.hooks?.['PreToolUse']) ? settings.hooks!['PreToolUse'] : [];
    if (entries.some((m) => m?.hooks?.some((h) => typeof h?.command === 'string' && / hook claude\b/.test(h.command))))
      preToolUse = true;
  }
  return preToolUse ? null : 'the s2 PreToolUse hook is missing from .claude/settings.json';
}

/**
 * The Claude Code transcripts of the session checked out at `root`: the ones the hook metered
 * before, and the recent ones in the project folder Claude Code keeps for `root` (named after
 * the path with every other character than a letter or digit made '-'), with their sub-agents'.
 */
async function sessionTranscripts(
  root: string,
  claudeHome: string,
  known: readonly string[],
  now: number,
  openedAt: number | null,
): Promise<string[]> {
  const dirs = new Set(known.filter((f) => !f.includes(`${path.sep}subagents${path.sep}`)).map((f) => path.dirname(f)));
  dirs.add(path.join(claudeHome, 'projects', path.resolve(root).replace(/[^A-Za-z0-9]/g, '-')));
  const out = new Set(known);
  for (const dir of dirs) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const n of names) {
      if (!n.endsWith('.jsonl')) continue;
      const file = path.join(dir, n);
      if (out.has(file)) continue;
      const st = await fs.stat(file).catch(() => null);
      if (openedAt === null || !st || now - st.mtimeMs > RECENT_MS) continue;
      // The folder may be shared by several checkouts' sessions: keep the ones run in `root`.
      const began = await startedIn(file, root);
      if (began === null || began < openedAt) continue;
      for (const f of await transcriptFiles(file)) out.add(f);
    }
  }
  return [...out];
}

/** When the transcript's Claude session began, if it ran in `root` (null otherwise). */
async function startedIn(file: string, root: string): Promise<number | null> {
  const h = await fs.open(file, 'r').catch(() => null);
  if (!h) return null;
  try {
    const buf = Buffer.alloc(16_384);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8');
    if (!head.includes(`"cwd":${JSON.stringify(path.resolve(root))}`)) return null;
    const at = /"timestamp":"([^"]+)"/.exec(head);
    return at ? Date.parse(at[1]!) || null : null;
  } finally {
    await h.close();
  }
}
