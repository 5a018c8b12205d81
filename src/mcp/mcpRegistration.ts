import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';

/** The agent runtimes whose MCP configuration `s2 install-hooks --mcp` (and `s2 session open`) writes. */
export const MCP_RUNTIMES = ['claude', 'codex', 'gemini'] as const;
export type McpRuntime = (typeof MCP_RUNTIMES)[number];

/** How a runtime starts the server: `command args…` with `env` added. */
export interface McpLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export interface McpRegistration {
  readonly runtime: McpRuntime;
  /** The file written, absolute. */
  readonly file: string;
  /** False when the file already held exactly this entry. */
  readonly changed: boolean;
}

export const MCP_SERVER_NAME = 's2';

/**
 * The launch of `s2 mcp` for one session from this CLI: the running node and the CLI file, the
 * checkout and the session named explicitly (a runtime may start servers from any folder), and
 * S2_HOME when set (where the session's key is).
 */
export function s2McpLaunch(cliFile: string, checkout: string, session: string, env: NodeJS.ProcessEnv): McpLaunch {
  return {
    command: process.execPath,
    args: [cliFile, '--repo', checkout, '--session', session, 'mcp'],
    env: env['S2_HOME'] ? { S2_HOME: env['S2_HOME'] } : {},
  };
}

/**
 * Register the S² MCP server (entry `s2`) for each runtime in the session's checkout — Claude
 * Code's `.mcp.json` (approved in `.claude/settings.local.json`), Codex's `.codex/config.toml`
 * (read in trusted projects) and Gemini CLI's `.gemini/settings.json` — and keep those files
 * machine-local: they hold absolute paths, so they are added to the repository's
 * `info/exclude` (never committed, and shared by every worktree of the repository).
 * Other entries in the files are kept; running it twice changes nothing.
 */
export async function registerMcpServer(opts: {
  readonly checkout: string;
  /** The repository's common git directory (`git rev-parse --git-common-dir`), for info/exclude. */
  readonly gitCommonDir: string;
  readonly runtimes: readonly McpRuntime[];
  readonly launch: McpLaunch;
}): Promise<McpRegistration[]> {
  // Every file is read and its new text computed first: a file that cannot be parsed stops
  // the whole registration before anything is written.
  const writes: { file: string; rel: string; before: string; after: string; runtime: McpRuntime | null }[] = [];
  for (const runtime of opts.runtimes) {
    const rel = RELATIVE[runtime];
    const file = path.join(opts.checkout, rel);
    const before = await readText(file);
    const after =
      runtime === 'codex' ? withTomlEntry(before, opts.launch) : withJsonEntry(before, file, runtime, opts.launch);
    writes.push({ file, rel, before, after, runtime });
    if (runtime === 'claude') {
      const rel2 = path.join('.claude', 'settings.local.json');
      const approval = path.join(opts.checkout, rel2);
      const text = await readText(approval);
      writes.push({ file: approval, rel: rel2, before: text, after: withApproval(text, approval), runtime: null });
    }
  }
  for (const w of writes)
    if (w.after !== w.before) {
      await fs.mkdir(path.dirname(w.file), { recursive: true });
      await fs.writeFile(w.file, w.after);
    }
  const out: McpRegistration[] = writes
    .filter((w) => w.runtime)
    .map((w) => ({ runtime: w.runtime!, file: w.file, changed: w.after !== w.before }));
  const excluded = writes.map((w) => `/${w.rel}`);
  await exclude(
    opts.gitCommonDir,
    excluded.map((f) => f.split(path.sep).join('/')),
  );
  return out;
}

const RELATIVE: Record<McpRuntime, string> = {
  claude: '.mcp.json',
  codex: path.join('.codex', 'config.toml'),
  gemini: path.join('.gemini', 'settings.json'),
};

async function readText(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
}

function parseJson(text: string, file: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new S2Error(
      'USAGE',
      `${file} is not valid JSON (${(e as Error).message}); fix it or remove it, nothing was written`,
    );
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new S2Error('USAGE', `${file} does not hold a JSON object; nothing was written`);
  return v as Record<string, unknown>;
}

/** Claude Code asks before it starts a project's .mcp.json server; this checkout's local settings approve ours. */
function withApproval(text: string, file: string): string {
  const settings = parseJson(text, file);
  const enabled = Array.isArray(settings['enabledMcpjsonServers'])
    ? (settings['enabledMcpjsonServers'] as unknown[])
    : [];
  if (enabled.includes(MCP_SERVER_NAME)) return text;
  return `${JSON.stringify({ ...settings, enabledMcpjsonServers: [...enabled, MCP_SERVER_NAME] }, null, 2)}\n`;
}

/** Claude Code and Gemini CLI share the `mcpServers` shape; Gemini also takes the folder to start in. */
function withJsonEntry(text: string, file: string, runtime: McpRuntime, l: McpLaunch): string {
  const doc = parseJson(text, file);
  const servers = (doc['mcpServers'] && typeof doc['mcpServers'] === 'object' ? doc['mcpServers'] : {}) as Record<
    string,
    unknown
  >;
  const entry = {
    command: l.command,
    args: [...l.args],
    env: { ...l.env },
    ...(runtime === 'gemini' ? { trust: false } : {}),
  };
  if (JSON.stringify(servers[MCP_SERVER_NAME]) === JSON.stringify(entry)) return text;
  doc['mcpServers'] = { ...servers, [MCP_SERVER_NAME]: entry };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Codex's TOML: the `[mcp_servers.s2]` table (and its sub-tables) is replaced as a block and the
 * rest of the file kept byte for byte, so no TOML library is needed. JSON string escapes are
 * valid TOML basic strings.
 */
function withTomlEntry(text: string, l: McpLaunch): string {
  const header = `[mcp_servers.${MCP_SERVER_NAME}]`;
  const env = Object.entries(l.env)
    .map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`)
    .join(', ');
  const block = [
    header,
    `command = ${JSON.stringify(l.command)}`,
    `args = [${l.args.map((a) => JSON.stringify(a)).join(', ')}]`,
    ...(env ? [`env = { ${env} }`] : []),
  ].join('\n');
  const lines = text ? text.replace(/\n$/, '').split('\n') : [];
  const start = lines.findIndex((x) => x.trim() === header);
  if (start < 0) return `${text}${text && !text.endsWith('\n') ? '\n' : ''}${text ? '\n' : ''}${block}\n`;
  let end = start + 1;
  const own = `[mcp_servers.${MCP_SERVER_NAME}.`;
  while (end < lines.length && !(lines[end]!.trim().startsWith('[') && !lines[end]!.trim().startsWith(own))) end++;
  while (end > start + 1 && lines[end - 1]!.trim() === '') end--;
  const next = [...lines.slice(0, start), ...block.split('\n'), ...lines.slice(end)].join('\n') + '\n';
  return next === text ? text : next;
}

/** Add the files (patterns anchored at a worktree's top) to info/exclude, once. */
async function exclude(commonDir: string, files: readonly string[]): Promise<void> {
  const file = path.join(commonDir, 'info', 'exclude');
  const text = await readText(file);
  const have = new Set(text.split('\n').map((x) => x.trim()));
  const add = [...new Set(files)].filter((f) => !have.has(f));
  if (!add.length) return;
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(
    file,
    `${text}${text && !text.endsWith('\n') ? '\n' : ''}# S² MCP registration (machine-local)\n${add.join('\n')}\n`,
  );
}
