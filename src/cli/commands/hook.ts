import * as path from 'node:path';
import { errorMessage, S2Error } from '../../core/errors';
import { handleClaudeHook, importClaudeUsage, installClaudeHooks } from '../../loop/claudeHookOps';
import { handleRuntimeHook } from '../../loop/runtimeHookOps';
import { hookFailureVerdict, noteHookHealthy } from '../../loop/hookFailure';
import { refreshHookCache } from '../../loop/hookCacheWriter';
import type { Command } from '../cliTypes';
import { registerMcp } from './installMcp';

export const hookCommand: Command = {
  name: 'hook',
  summary:
    'Agent runtime hook (Claude Code, Codex, Gemini CLI): deny a sub-agent spawn above the agent cap, every tool once the budget is spent; see a session waiting on a person',
  usage: 'hook claude|codex|gemini  (reads the hook JSON on stdin)',
  maxPositionals: 1,
  options: {
    'fail-closed': {
      type: 'boolean',
      description:
        'deny every call when S² itself fails (default: deny sub-agent spawns at once, other calls once the swarm has been unreadable for S2_HOOK_BLIND_SECONDS, 300 s)',
    },
  },
  details:
    'Install with: s2 session open ID (or s2 install-hooks for Claude Code). Claude Code and Codex: answers PreToolUse with hookSpecificOutput.permissionDecision = "deny" and the reason; Gemini CLI: answers BeforeTool with {"decision": "deny", "reason"}. Records agent starts and stops, and marks the session awaiting-input on Claude Code\'s Notification, Codex\'s PermissionRequest/Stop and Gemini\'s Notification. Versions targeted: docs/RUNTIMES.md.',
  async run(ctx) {
    const runtime = ctx.positionals[0];
    if (runtime !== 'claude' && runtime !== 'codex' && runtime !== 'gemini')
      throw new S2Error('USAGE', `which runtime? s2 hook claude|codex|gemini (got ${runtime ?? 'none'})`);
    const input = ctx.io.stdin ? await ctx.io.stdin() : '';
    try {
      const s = await ctx.open();
      const { output } =
        runtime === 'claude' ? await handleClaudeHook(s, input) : await handleRuntimeHook(s, runtime, input);
      await noteHookHealthy(s.ctx.commonDir, s.now());
      if (output) ctx.io.stdout(`${JSON.stringify(output)}\n`);
      // The next calls answer from this read while nothing it depends on moves (bin.ts).
      if (runtime === 'claude') await refreshHookCache(s, ctx.flags.session || null);
      return 0;
    } catch (e) {
      const why = errorMessage(e);
      const now = ctx.io.env['S2_NOW'] ? new Date(ctx.io.env['S2_NOW']) : new Date();
      const v = await hookFailureVerdict(ctx.flags.repo, input, why, now, ctx.io.env, !!ctx.values['fail-closed']);
      if (v.deny) {
        const reason = v.reason;
        ctx.io.stdout(
          `${JSON.stringify(runtime === 'gemini' ? { decision: 'deny', reason } : { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } })}\n`,
        );
        return 0;
      }
      ctx.io.stderr(`${v.reason}\n`);
      return 0;
    }
  },
};

export const installHooksCommand: Command = {
  name: 'install-hooks',
  summary: 'Write the Claude Code hook entries for this session into .claude/settings.json',
  usage: 'install-hooks [--command CMD] [--local] [--mcp]',
  maxPositionals: 0,
  options: {
    command: {
      type: 'string',
      description: 'the hook command (default: s2 --repo "$CLAUDE_PROJECT_DIR" hook claude)',
    },
    local: {
      type: 'boolean',
      description:
        "write .claude/settings.local.json (machine-local, not committed) calling this machine's s2 by its absolute path",
    },
    mcp: {
      type: 'boolean',
      description:
        'also register `s2 mcp` for Claude Code (.mcp.json), Codex (.codex/config.toml) and Gemini CLI (.gemini/settings.json), machine-local',
    },
  },
  details:
    "The default entry has no path of this machine: s2 is found on the PATH and the session from the checked-out work branch, so .claude/settings.json can be committed and works in every session's worktree. --local is for a machine without s2 on the PATH.",
  async run(ctx) {
    const s = await ctx.open();
    const local = !!ctx.values['local'];
    const self = process.argv[1] && path.isAbsolute(process.argv[1]) ? `node ${process.argv[1]}` : 's2';
    const cmd =
      (ctx.values['command'] as string | undefined) ??
      (local ? `${self} --repo ${s.ctx.root} hook claude` : 's2 --repo "$CLAUDE_PROJECT_DIR" hook claude');
    // First: a runtime's settings file that cannot be parsed stops everything before a write.
    const mcp = ctx.values['mcp'] ? await registerMcp(ctx, s) : null;
    const r = await installClaudeHooks(s.ctx.root, cmd, local ? 'settings.local.json' : 'settings.json');
    if (mcp) ctx.io.stderr(`${mcp.human}\n`);
    ctx.out(
      { ok: true, ...r, command: cmd, machineLocal: local, ...(mcp ? { mcp: mcp.mcp, launch: mcp.launch } : {}) },
      r.added.length
        ? `added ${r.added.join(', ')} hooks to ${r.file}:\n  ${cmd}${local ? '\n(machine-local: this file names paths of this machine; do not commit it)' : ''}`
        : `${r.file} already has the S² hooks`,
    );
    return 0;
  },
};

export const importUsageCommand: Command = {
  name: 'import-usage',
  summary: 'Add real spend from Claude Code session logs (~/.claude/projects/…/*.jsonl), priced by the manifest',
  usage: 'import-usage FILE.jsonl [FILE…]',
  maxPositionals: Number.POSITIVE_INFINITY, // any number of logs
  options: {},
  async run(ctx) {
    if (!ctx.positionals.length)
      throw new S2Error('USAGE', 'import-usage needs one or more Claude Code .jsonl session logs');
    const s = await ctx.open();
    const r = await importClaudeUsage(
      s,
      ctx.positionals.map((p) => path.resolve(ctx.io.cwd, p)),
    );
    ctx.out(
      { ok: true, ...r },
      `imported ${r.messages} message(s): $${r.usd.toFixed(4)}${r.unpriced.length ? `; no price in the manifest for ${r.unpriced.join(', ')} (add them under pricing:)` : ''}`,
    );
    return 0;
  },
};
