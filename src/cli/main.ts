/**
 * `s2 [--repo DIR] [--session ID] [--json] <command> …` — the agents' and scripts' face of
 * the engine. Exit codes: 0 ok, 1 refused or violations found, 2 usage or input error.
 */
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { asS2Error, exitCodeFor, S2Error } from '../core/errors';
import { SwarmSession } from '../loop/swarmSession';
import type { CliIo, Command, CommandContext, GlobalFlags } from './cliTypes';
import { commands } from './commandTable';
import { S2_PACKAGE_VERSION } from './version';
import { jsonSafe, terminalSafe } from '../core/terminalText';
import { killChildGroups } from '../git/killChildGroups';

const GLOBAL_HELP = `s2 — S² swarm coordination through git

Usage: s2 [--repo DIR] [--session ID] [--json] <command> [options]

Global options:
  --repo DIR       the session's checkout (default: current directory)
  --session ID     the session you act as (default: $S2_SESSION)
  --json           machine-readable output
  -h, --help       help for s2 or for a command (s2 <command> --help)

Exit codes: 0 ok, 1 refused or violations found, 2 usage or input error.
`;

function commandList(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Commands:\n${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}\n`;
}

export function commandHelp(c: Command): string {
  const opts = Object.entries(c.options).map(
    ([k, o]) =>
      `  --${k}${o.type === 'string' ? ' VALUE' : ''}${o.short ? `, -${o.short}` : ''}\n      ${o.description}`,
  );
  return `${c.summary}\n\nUsage: s2 ${c.usage}\n${opts.length ? `\nOptions:\n${opts.join('\n')}\n` : ''}${c.details ? `\n${c.details}\n` : ''}`;
}

/** S2_NOW pins the clock (ISO time) for drills and red-team scenarios; real runs leave it unset. */
export function clockFrom(env: NodeJS.ProcessEnv): () => Date {
  const pinned = env['S2_NOW'];
  if (!pinned) return () => new Date();
  const t = Date.parse(pinned);
  if (!Number.isFinite(t)) throw new S2Error('USAGE', `S2_NOW is not a time: ${pinned}`);
  return () => new Date(t);
}

/** Global flags may come before the command; the command's own flags after it. */
function splitArgv(argv: readonly string[]): { globals: string[]; name: string | undefined; rest: readonly string[] } {
  let i = 0;
  const globals: string[] = [];
  while (i < argv.length && argv[i]!.startsWith('-')) {
    globals.push(argv[i]!);
    if (['--repo', '--session'].includes(argv[i]!) && i + 1 < argv.length) globals.push(argv[++i]!);
    i++;
  }
  return { globals, name: argv[i], rest: argv.slice(i + 1) };
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const { globals, name, rest } = splitArgv(argv);
  let g;
  try {
    g = parseArgs({
      args: globals,
      options: {
        repo: { type: 'string' },
        session: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (e) {
    io.stderr(`s2: ${(e as Error).message}\n\n${GLOBAL_HELP}`);
    return 2;
  }
  if (g.version) {
    io.stdout(`s2 ${S2_PACKAGE_VERSION}\n`);
    return 0;
  }
  if (!name || g.help || name === 'help-all') {
    io.stdout(`${GLOBAL_HELP}\n${commandList()}`);
    return name || g.help ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`s2: unknown command "${name}"\n\n${commandList()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest as string[],
      options: {
        ...cmd.options,
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        repo: { type: 'string' },
        session: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    io.stderr(`s2 ${name}: ${(e as Error).message}\n\n${commandHelp(cmd)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(cmd));
    return 0;
  }
  if (cmd.maxPositionals !== undefined && parsed.positionals.length > cmd.maxPositionals) {
    io.stderr(`s2 ${name}: unexpected argument "${parsed.positionals[cmd.maxPositionals]}"\n\n${commandHelp(cmd)}`);
    return 2;
  }
  const flags: GlobalFlags = {
    repo: path.resolve(io.cwd, (parsed.values.repo as string | undefined) ?? g.repo ?? io.env['S2_REPO'] ?? '.'),
    session: (parsed.values.session as string | undefined) ?? g.session ?? io.env['S2_SESSION'] ?? null,
    json: !!(parsed.values.json || g.json),
  };
  // Record text from other sessions reaches the terminal through here: no control sequences.
  const raw = io;
  io = {
    ...raw,
    stdout: (t) => raw.stdout(flags.json ? jsonSafe(t) : terminalSafe(t)),
    stderr: (t) => raw.stderr(terminalSafe(t)),
  };
  const holder: { session: SwarmSession | null } = { session: null };
  const ctx: CommandContext = {
    io,
    flags,
    values: parsed.values as CommandContext['values'],
    positionals: parsed.positionals,
    open: async () =>
      (holder.session ??= await SwarmSession.open({
        repo: flags.repo,
        session: flags.session,
        env: io.env,
        now: clockFrom(io.env),
        ...(io.signal ? { signal: io.signal } : {}),
      })),
    out: (data, human) =>
      io.stdout(
        flags.json ? `${JSON.stringify(data, null, 2)}\n` : human.endsWith('\n') || human === '' ? human : `${human}\n`,
      ),
  };
  try {
    return await cmd.run(ctx);
  } catch (e) {
    const err = asS2Error(e);
    if (flags.json) io.stdout(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
    io.stderr(`s2 ${name}: ${err.message}\n`);
    return exitCodeFor(err);
  } finally {
    for (const w of holder.session?.warnings ?? []) io.stderr(`warning: ${w}\n`);
    holder.session?.dispose();
  }
}

/**
 * SIGINT/SIGTERM, for the whole process, in one place: the host's AbortSignal fires (a
 * temporary worktree removes itself). A command that stops by itself (`poll`) is left to do
 * so; any other — or a second signal — stops the commands this process started and exits
 * 130/143 at once, so no verdict is written from checks cut short.
 */
function stopOnSignals(argv: readonly string[]): AbortSignal {
  const ac = new AbortController();
  const name = splitArgv(argv).name;
  const graceful = !!commands.find((c) => c.name === name)?.stopsOnAbort;
  const onSignal = (sig: NodeJS.Signals): void => {
    const first = !ac.signal.aborted;
    if (!(graceful && first)) killChildGroups();
    ac.abort(sig);
    if (!(graceful && first)) process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return ac.signal;
}

/**
 * Runs `s2` as a process: real stdout/stderr/env, and the exit code once output has drained.
 * `stdinText`: stdin as the CLI's entry (bin.ts) already read it for the hook's fast path.
 */
export function runProcess(argv: readonly string[], stdinText?: string): void {
  const io: CliIo = {
    signal: stopOnSignals(argv),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    stdin:
      stdinText !== undefined
        ? async () => stdinText
        : async () => {
            const chunks: Buffer[] = [];
            for await (const c of process.stdin) chunks.push(c as Buffer);
            return Buffer.concat(chunks).toString('utf8');
          },
  };
  main(argv, io).then(
    // Exit only once stdout has drained: process.exit() drops what a pipe has not taken yet
    // (a --json view over 64 KiB arrived cut to 65,536 bytes).
    (code) => {
      process.exitCode = code;
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    },
    (e) => {
      process.stderr.write(`s2: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(2);
    },
  );
}

if (require.main === module) runProcess(process.argv.slice(2));
