import { s2McpLaunch, type McpLaunch } from '../../mcp/mcpRegistration';
import * as path from 'node:path';
import { S2Error } from '../../core/errors';
import { AGENT_RUNTIMES, AgentRuntime } from '../../core/manifest';
import { formatAge } from '../../core/view';
import { closeSessionCheckout } from '../../loop/sessionClose';
import { openSessionCheckout, shellQuote } from '../../loop/sessionCheckout';
import { listSessionCheckouts } from '../../loop/sessionList';
import { table } from '../format';
import type { Command, CommandContext } from '../cliTypes';

/** How hooks written now should call s2: this very CLI file when run as `node …/cli.js`, else `s2` on the PATH. */
function defaultS2Command(): string {
  const self = process.argv[1];
  return self && path.basename(self) === 'cli.js' ? `node ${shellQuote(path.resolve(self))}` : 's2';
}

/** `s2 mcp` as this very CLI when run as `node …/cli.js`, else `s2` from the PATH. */
function mcpLaunchFor(dir: string, session: string, env: NodeJS.ProcessEnv): McpLaunch {
  const self = process.argv[1];
  if (self && path.basename(self) === 'cli.js') return s2McpLaunch(path.resolve(self), dir, session, env);
  return {
    command: 's2',
    args: ['--repo', dir, '--session', session, 'mcp'],
    env: env['S2_HOME'] ? { S2_HOME: env['S2_HOME'] } : {},
  };
}

async function open(ctx: CommandContext, id: string | undefined): Promise<number> {
  if (!id) throw new S2Error('USAGE', 'session open needs a session id: s2 session open ID');
  const runtime = ctx.values['runtime'] as string | undefined;
  if (runtime !== undefined && !(AGENT_RUNTIMES as readonly string[]).includes(runtime))
    throw new S2Error('USAGE', `--runtime must be one of ${AGENT_RUNTIMES.join(', ')} (got "${runtime}")`);
  const s = await ctx.open();
  const r = await openSessionCheckout(s, id, {
    ...(runtime ? { runtime: runtime as AgentRuntime } : {}),
    ...(typeof ctx.values['path'] === 'string' ? { path: path.resolve(ctx.io.cwd, ctx.values['path']) } : {}),
    s2Command: (ctx.values['s2'] as string | undefined) ?? defaultS2Command(),
    mcpLaunch: (dir, sid) => mcpLaunchFor(dir, sid, ctx.io.env),
  });
  ctx.out(
    { ok: true, ...r },
    [
      `${id}: ${r.reused ? 'reusing' : 'created'} ${r.topology} ${r.path} on ${r.branch}`,
      `  ${r.runtime} hooks: ${r.hooks.file}${r.hooks.added.length ? ` (added ${r.hooks.added.join(', ')})` : ' (already there)'}`,
      ...r.mcp.map((m) => `  mcp: ${m.file} (s2 mcp registered for ${m.runtime}, machine-local)`),
      `  prompt: ${r.promptFile} (between the S2 SESSION PROMPT markers)`,
      `start the agent with:`,
      `  ${r.startCommand}`,
    ].join('\n'),
  );
  return 0;
}

async function list(ctx: CommandContext): Promise<number> {
  const rows = await listSessionCheckouts(await ctx.open());
  const text = table([
    ['SESSION', 'RUNTIME', 'AGENT', 'STATE', 'CHECKOUT'],
    ...rows.map((r) => [
      r.session,
      r.runtime,
      r.agentRunning ? `running (${formatAge(r.heartbeatAgeSeconds ?? 0)})` : 'not running',
      r.awaitingInput ? `awaiting input: ${r.awaitingInput.message}` : r.state,
      r.path ? `${r.path} (${r.topology})` : '— (s2 session open ' + r.session + ')',
    ]),
  ]);
  ctx.out({ sessions: rows }, `${text.join('\n')}\n`);
  return 0;
}

async function close(ctx: CommandContext, id: string | undefined): Promise<number> {
  if (!id) throw new S2Error('USAGE', 'session close needs a session id: s2 session close ID');
  const r = await closeSessionCheckout(await ctx.open(), id);
  ctx.out({ ok: true, ...r }, `${id}: removed the ${r.topology} ${r.path} (nothing in it was lost)`);
  return 0;
}

export const sessionCommand: Command = {
  name: 'session',
  summary: "Open a session's checkout (worktree or clone, hooks, prompt), list them, close a clean one",
  usage: 'session open ID [--runtime claude|codex|gemini] [--path DIR] | session list | session close ID',
  maxPositionals: 2,
  options: {
    runtime: { type: 'string', description: "the agent runtime (default: the manifest's agent.runtime, else claude)" },
    path: {
      type: 'string',
      description: 'where the checkout goes (default: <repo>-sessions/<ID> beside the repository)',
    },
    s2: {
      type: 'string',
      description: 'how the installed hooks call s2 (default: this CLI when run as node …/cli.js, else s2 on the PATH)',
    },
  },
  details: [
    "open: a worktree on the session's work branch (sessions share one repository), or a clone of the remote checked out on it when the repository has a remote; reused when it exists. Installs the runtime's hooks (.claude/settings.json, .codex/hooks.json, .gemini/settings.json), writes the session's generated prompt into CLAUDE.md / AGENTS.md / GEMINI.md between markers (the rest of the file is kept), and prints the command that starts the agent.",
    'list: every session with its checkout, runtime, whether its agent is running (a fresh heartbeat) and whether it awaits a person.',
    'close: removes the checkout only when nothing would be lost: no change but what open wrote, and for a clone no unpushed commit or stash. Otherwise exit 1 and a list of what is in the way.',
  ].join('\n'),
  async run(ctx) {
    const [verb, id] = ctx.positionals;
    if (verb === 'open') return open(ctx, id);
    if (verb === 'list' || !verb) return list(ctx);
    if (verb === 'close') return close(ctx, id);
    throw new S2Error('USAGE', `session: unknown verb "${verb}" (open, list, close)`);
  },
};
