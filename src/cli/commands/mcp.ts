import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { clockFrom } from '../main';
import { S2McpServer } from '../../mcp/s2McpServer';
import type { Command } from '../cliTypes';

export const mcpCommand: Command = {
  name: 'mcp',
  summary: "Serve this session's tools and resources to an agent runtime over MCP (stdio)",
  usage: 'mcp [--no-watch]',
  maxPositionals: 0,
  options: {
    'no-watch': { type: 'boolean', description: 'do not run the watch-only loop (no change notifications)' },
  },
  details:
    'Tools: status, blockers, instruction, start_phase, complete_phase, block, help, heartbeat, spend, verify, conflicts — each the s2 command of that name, through the same guards (a refusal is a tool error with the reasons). Resources: s2://view and s2://instruction, with updates while the server runs. The session is --session, $S2_SESSION, or the one whose work branch is checked out; the server never acts as another. Register it for Claude Code, Codex and Gemini CLI with: s2 install-hooks --mcp.',
  async run(ctx) {
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
  },
};
