/**
 * `s2 session open`: one action from a manifest entry to a checkout an agent can start in —
 * a worktree on the session's work branch (embedded topology) or a clone of the remote on
 * it, that runtime's hooks installed, the generated prompt where the runtime reads it, and
 * the command that starts the agent. Opening again reuses the checkout and refreshes the rest.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { AgentRuntime, DEFAULT_AGENT_COMMAND, SessionPlan, sessionPlan, SwarmPlan } from '../core/manifest';
import { mergePromptSection, PROMPT_FILE } from '../core/promptSection';
import { renderPrompt } from '../core/prompts/renderPrompts';
import { addWorktree, cloneOnBranch, listWorktrees, remoteUrl, WorktreeEntry } from '../git/checkoutGit';
import { CheckoutEntry, readRegistry, updateRegistry } from './checkoutRegistry';
import { installRuntimeHooks } from './hookInstaller';
import { registerMcpServer, type McpLaunch, type McpRegistration } from '../mcp/mcpRegistration';
import type { SwarmSession } from './swarmSession';

export interface OpenOptions {
  readonly runtime?: AgentRuntime;
  readonly path?: string;
  /** How the hooks call s2 (`s2`, or `node /abs/dist/cli.js` when s2 is not on the PATH). */
  readonly s2Command: string;
  /** How the runtime starts `s2 mcp` for this checkout; absent: the MCP server is not registered. */
  readonly mcpLaunch?: (checkout: string, session: string) => McpLaunch;
}

export interface OpenResult {
  readonly session: string;
  readonly path: string;
  readonly branch: string;
  readonly topology: CheckoutEntry['topology'];
  readonly reused: boolean;
  readonly runtime: AgentRuntime;
  readonly agentCommand: string;
  readonly hooks: { file: string; added: string[] };
  /** The runtime's MCP configuration naming `s2 mcp` (machine-local, in info/exclude). */
  readonly mcp: readonly McpRegistration[];
  readonly promptFile: string;
  /** A shell line that starts the agent in the checkout with S2_SESSION set. */
  readonly startCommand: string;
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function requirePlan(plan: SwarmPlan, id: string): SessionPlan {
  const sp = sessionPlan(plan, id);
  if (!sp)
    throw new S2Error(
      'UNKNOWN_SESSION',
      `session "${id}" is not in the manifest (sessions: ${plan.sessions.map((s) => s.id).join(', ')})`,
    );
  return sp;
}

/** Where checkouts go by default: a folder beside the repository, `<repo>-sessions/<id>`. */
export function defaultCheckoutDir(base: string, id: string): string {
  return path.join(path.dirname(base), `${path.basename(base)}-sessions`, id);
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  const names = await fs.readdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : null));
  return names !== null && names.length === 0;
}

/** The checkout a session already has: a worktree on its work branch, else the registered clone. */
export async function findCheckout(
  s: SwarmSession,
  sp: SessionPlan,
  worktrees?: readonly WorktreeEntry[],
): Promise<{ path: string; topology: CheckoutEntry['topology']; entry: CheckoutEntry | null } | null> {
  const entry = (await readRegistry(s.ctx.commonDir))[sp.id] ?? null;
  const list = worktrees ?? (await listWorktrees(s.ctx.root));
  const wt = list.find((w) => w.branch === `refs/heads/${sp.branch}`);
  if (wt) return { path: wt.path, topology: 'worktree', entry };
  if (entry && (await fs.stat(path.join(entry.path, '.git')).catch(() => null)))
    return { path: entry.path, topology: entry.topology, entry };
  return null;
}

export async function openSessionCheckout(s: SwarmSession, id: string, o: OpenOptions): Promise<OpenResult> {
  const { snapshot } = await s.view();
  const sp = requirePlan(snapshot.plan, id);
  const runtime = o.runtime ?? sp.agent.runtime;
  const agentCommand = runtime === sp.agent.runtime ? sp.agent.command : DEFAULT_AGENT_COMMAND[runtime];
  const coord = await s.reader.coordination();
  const worktrees = await listWorktrees(s.ctx.root);
  const wanted = o.path ? path.resolve(o.path) : null;
  const found = await findCheckout(s, sp, worktrees);
  let dir: string;
  let topology: CheckoutEntry['topology'];
  let reused = false;
  if (found) {
    if (wanted && wanted !== found.path)
      throw new S2Error('USAGE', `${id} already has a checkout at ${found.path}; close it first or leave out --path`);
    ({ path: dir, topology } = found);
    reused = true;
  } else {
    topology = s.ctx.remote ? 'clone' : 'worktree';
    // The main worktree is the first one git lists: checkouts go beside it wherever open runs.
    dir = wanted ?? defaultCheckoutDir(topology === 'worktree' ? worktrees[0]!.path : s.ctx.root, id);
    if (!(await isEmptyOrMissing(dir)))
      throw new S2Error('USAGE', `${dir} exists and is not empty; pass another --path for ${id}'s checkout`);
    await fs.mkdir(path.dirname(dir), { recursive: true });
    if (topology === 'worktree') await addWorktree(s.ctx.root, dir, sp.branch, coord.tip);
    else
      await cloneOnBranch(path.dirname(dir), await remoteUrl(s.ctx.root, s.ctx.remote!), dir, sp.branch, coord.branch);
  }
  const hooks = await installRuntimeHooks(dir, runtime, `${o.s2Command} --session ${id} hook ${runtime}`);
  const mcp = o.mcpLaunch
    ? await registerMcpServer({
        checkout: dir,
        // A clone has its own .git; a worktree shares the repository's (info/exclude lives there).
        gitCommonDir: topology === 'clone' ? path.join(dir, '.git') : s.ctx.commonDir,
        runtimes: [runtime],
        launch: o.mcpLaunch(dir, id),
      })
    : [];
  const promptFile = path.join(dir, PROMPT_FILE[runtime]);
  const before = await fs.readFile(promptFile, 'utf8').catch(() => null);
  const after = mergePromptSection(before, renderPrompt(snapshot.plan, id));
  if (after !== before) await fs.writeFile(promptFile, after);
  await updateRegistry(s.ctx.commonDir, id, { path: dir, runtime, topology, openedAt: s.now().toISOString() });
  return {
    session: id,
    path: dir,
    branch: sp.branch,
    topology,
    reused,
    runtime,
    agentCommand,
    hooks,
    mcp,
    promptFile,
    startCommand: `cd ${shellQuote(dir)} && S2_SESSION=${id} ${agentCommand}`,
  };
}
