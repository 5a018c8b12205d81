import * as vscode from 'vscode';
import { runS2Tool, type S2ToolOutcome } from '../mcp/runS2Tool';
import { s2Tools, type S2Tool } from '../mcp/s2Tools';
import type { SwarmHost } from './swarmHost';

/** VS Code tool names are global across extensions: ours are the MCP tools' names with this prefix. */
export const LM_TOOL_PREFIX = 's2_';

type Input = Record<string, unknown>;

/**
 * The MCP server's tools (s2Tools) as language-model tools for the editor's agent mode: each
 * runs its s2 command as this workspace's session, through the same guards, and returns the
 * CLI's --json. A refusal is thrown (VS Code hands the message to the model as the tool's
 * error); the tools that write records ask the person first.
 */
export function registerLmTools(host: SwarmHost): vscode.Disposable[] {
  return s2Tools.map((t) => vscode.lm.registerTool<Input>(`${LM_TOOL_PREFIX}${t.name}`, new S2LmTool(host, t)));
}

class S2LmTool implements vscode.LanguageModelTool<Input> {
  constructor(
    private readonly host: SwarmHost,
    private readonly tool: S2Tool,
  ) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<Input>): vscode.PreparedToolInvocation {
    const me = this.host.me ?? 'no session';
    if (!this.tool.writes) return { invocationMessage: `S²: ${this.tool.title.toLowerCase()} (${me})` };
    const args = Object.entries(options.input ?? {})
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join(', ');
    return {
      invocationMessage: `S²: ${this.tool.title.toLowerCase()} as ${me}`,
      // A plain string (not markdown): the input comes from a model and is shown as text.
      confirmationMessages: {
        title: `S²: ${this.tool.title}`,
        message: `Write this to the records of session ${me}${args ? ` (${args})` : ''}? It is signed with ${me}'s key and seen by the whole swarm.`,
      },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<Input>): Promise<vscode.LanguageModelToolResult> {
    const go = (s: Parameters<Parameters<SwarmHost['run']>[0]>[0]): Promise<S2ToolOutcome> =>
      runS2Tool(this.tool, options.input, s, process.env);
    const r = this.tool.writes ? await this.host.run(go) : await this.host.read(go);
    const text = JSON.stringify(r.data);
    if (!r.ok) throw new Error(text);
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
  }
}
