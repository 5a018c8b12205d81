/**
 * `s2 install-hooks --mcp`: the MCP server registered for every runtime, launched by this
 * very CLI (node and its absolute path) as this session.
 */
import * as path from 'node:path';
import {
  MCP_RUNTIMES,
  registerMcpServer,
  s2McpLaunch,
  type McpLaunch,
  type McpRegistration,
} from '../../mcp/mcpRegistration';
import type { SwarmSession } from '../../loop/swarmSession';
import type { CommandContext } from '../cliTypes';

export async function registerMcp(
  ctx: CommandContext,
  s: SwarmSession,
): Promise<{ mcp: McpRegistration[]; launch: McpLaunch; human: string }> {
  const { plan } = await s.snapshot();
  const me = s.requireSession(plan);
  const launch = s2McpLaunch(path.resolve(process.argv[1] ?? 's2'), s.ctx.root, me, ctx.io.env);
  const mcp = await registerMcpServer({
    checkout: s.ctx.root,
    gitCommonDir: s.ctx.commonDir,
    runtimes: MCP_RUNTIMES,
    launch,
  });
  const human = [
    ...mcp.map(
      (r) => `${r.changed ? 'registered' : 'already registered'} the s2 MCP server for ${r.runtime} in ${r.file}`,
    ),
    `  ${launch.command} ${launch.args.join(' ')}`,
    "(machine-local: these files name paths of this machine; they are in the repository's info/exclude)",
  ].join('\n');
  return { mcp, launch, human };
}
