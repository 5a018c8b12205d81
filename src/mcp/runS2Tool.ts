import { z } from 'zod';
import type { CommandContext } from '../cli/cliTypes';
import { asS2Error, S2Error } from '../core/errors';
import type { SwarmSession } from '../loop/swarmSession';
import type { S2Tool } from './s2Tools';

/** What a tool call returns: the CLI's --json output, and whether it is an error for the model. */
export interface S2ToolOutcome {
  /** False for a refusal, a failed validation or verification, or bad input: never a success. */
  readonly ok: boolean;
  /** Exactly what `s2 --json <command>` prints: the result, or `{ error: { code, message, data } }`. */
  readonly data: unknown;
  /** Warnings the command gave (a push that will be retried, …). */
  readonly warnings: readonly string[];
}

/**
 * Run one tool as `session` through its CLI command, in-process and on the caller's open
 * session (the MCP server's, the editor's): same guards, same JSON. The session is the
 * handle's own — the input cannot name another. Callers serialize calls on one handle.
 */
export async function runS2Tool(
  tool: S2Tool,
  input: unknown,
  session: SwarmSession,
  env: NodeJS.ProcessEnv,
): Promise<S2ToolOutcome> {
  const warnings: string[] = [];
  const parsed = z
    .object(tool.input)
    .strict()
    .safeParse(input ?? {});
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return { ok: false, data: { error: new S2Error('USAGE', `${tool.name}: ${why}`).toJSON() }, warnings };
  }
  const { positionals, values } = tool.argv(parsed.data);
  let data: unknown = null;
  const ctx: CommandContext = {
    io: { stdout: () => undefined, stderr: (t) => void warnings.push(t.trim()), env, cwd: session.ctx.root },
    flags: { repo: session.ctx.root, session: session.session, json: true },
    values,
    positionals,
    open: async () => session,
    out: (d) => {
      data = d;
    },
  };
  try {
    const code = await tool.command.run(ctx);
    // Exit 1 with a result is a finding (s2 conflicts found some), not a refusal, unless the
    // result itself says ok: false (a failed validation or verification).
    const said = data as { ok?: unknown } | null;
    return { ok: said ? said.ok !== false : code === 0, data, warnings };
  } catch (e) {
    const err = asS2Error(e);
    return { ok: false, data: { error: err.toJSON() }, warnings };
  } finally {
    warnings.push(...session.warnings.splice(0));
  }
}
