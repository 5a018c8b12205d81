import * as path from 'node:path';
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
    // Not bundled into the CLI: a path esbuild leaves alone (dist/mcpServe.js beside dist/cliMain.js;
    // mcpServe.js beside this file when run from the compiled sources).
    const serve = require(path.join(__dirname, 'mcpServe.js')) as typeof import('./mcpServe');
    return serve.serveMcp(ctx);
  },
};
