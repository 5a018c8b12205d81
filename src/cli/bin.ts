/**
 * The `s2` executable (dist/cli.js). It stays small on purpose: `s2 hook claude` runs before
 * every tool call of every agent, and most calls are answered from the decision cache
 * (src/loop/hookFastPath.ts) in little more than Node's own start. Everything else — and
 * every hook call the cache cannot answer — loads the whole CLI (dist/cliMain.js, built from
 * main.ts), which costs a few hundred milliseconds of loading alone.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fastHook } from '../loop/hookFastPath';
import { s2Home } from '../git/keyStore';
import { loadWithCodeCache } from './codeCache';

interface HookArgs {
  readonly repo: string | null;
  readonly session: string | null;
}

/** `[--repo D] [--session S] [--json] hook claude [--fail-closed] [--repo D] [--session S] [--json]`, or null. */
export function hookArgs(argv: readonly string[]): HookArgs | null {
  let repo: string | null = null;
  let session: string | null = null;
  let command = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--repo' || a === '--session') {
      const v = argv[++i];
      if (v === undefined || v === '') return null;
      if (a === '--repo') repo = v;
      else session = v;
    } else if (a === '--json' || (a === '--fail-closed' && command === 2)) continue;
    else if (a === 'hook' && command === 0) command = 1;
    else if (a === 'claude' && command === 1) command = 2;
    else return null;
  }
  return command === 2 ? { repo, session } : null;
}

/** stdin read straight from fd 0: `process.stdin` alone loads ~30 internal modules (streams, net). */
async function readStdin(): Promise<string> {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    // A non-blocking pipe (EAGAIN) or an odd fd: the stream way.
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
}

/**
 * The command's name (the first word that is not a global flag or its value), for its code
 * cache. Help of any command is 'help': a first `s2 status --help` must not leave `status` a
 * cache made by a run that compiled only the help text.
 */
export function commandOf(argv: readonly string[]): string {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--repo' || a === '--session') i++;
    else if (!a.startsWith('-')) return a;
  }
  return argv.includes('--version') ? 'version' : 'help';
}

function full(argv: readonly string[], stdinText?: string): void {
  // The whole CLI is its own bundle, loaded only when needed, through V8's code cache
  // (codeCache.ts): compiling it is most of what a warm `s2 status` would otherwise spend.
  const env = process.env;
  const cacheDir = env['S2_CODE_CACHE'] === 'off' ? null : path.join(s2Home(env), 'code-cache');
  const main = loadWithCodeCache<{ runProcess(argv: readonly string[], stdinText?: string): void }>(
    path.join(__dirname, 'cliMain.js'),
    { cacheDir, variant: commandOf(argv) },
  );
  process.on('exit', () => main.save());
  main.exports.runProcess(argv, stdinText);
}

async function run(argv: readonly string[]): Promise<void> {
  const h = hookArgs(argv);
  if (!h) return full(argv);
  const stdinText = await readStdin();
  const env = process.env;
  const pinned = env['S2_NOW'] ? new Date(env['S2_NOW']) : new Date();
  const verdict = Number.isFinite(pinned.getTime())
    ? await fastHook({
        repo: path.resolve(h.repo ?? env['S2_REPO'] ?? '.'),
        session: h.session ?? (env['S2_SESSION'] || null),
        env,
        stdinText,
        now: pinned,
      }).catch(() => null)
    : null;
  // 'pass': no opinion, nothing to print (the full path prints nothing for it either).
  if (verdict !== 'pass') full(argv, stdinText);
}

if (require.main === module) void run(process.argv.slice(2));
