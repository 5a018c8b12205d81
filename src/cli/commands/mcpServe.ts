/**
 * The body of `s2 mcp`: the MCP SDK and what only it needs (ajv, the JSON-schema converter,
 * about a third of the CLI's code) live here, in a bundle of their own (dist/mcpServe.js),
 * so that no other command pays for loading them.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { clockFrom } from '../main';
import { S2McpServer } from '../../mcp/s2McpServer';
import type { CommandContext } from '../cliTypes';

export async function serveMcp(ctx: CommandContext): Promise<number> {
  const server = await S2McpServer.open({
    repo: ctx.flags.repo,
    session: ctx.flags.session,
    env: ctx.io.env,
    now: clockFrom(ctx.io.env),
    watch: !ctx.values['no-watch'],
    log: (l) => ctx.io.stderr(`s2 mcp: ${l}\n`),
  });
  const transport = new StdioServerTransport();
  // The server lives as long as its client: stdin closing (the runtime quit) or a signal ends it.
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.connect(transport);
  ctx.io.stderr(
    `s2 mcp: serving ${server.session.session ?? 'no session (read-only)'} in ${server.session.ctx.root}\n`,
  );
  await closed;
  await server.close();
  return 0;
}
