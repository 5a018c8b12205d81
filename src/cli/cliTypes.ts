import type { SwarmSession } from '../loop/swarmSession';

/** What a command gets: parsed flags, positionals, and the host's I/O (so tests call main directly). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdin?: () => Promise<string>;
  /** Aborted when the host is asked to stop (the CLI's entry: SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
}

export interface GlobalFlags {
  readonly repo: string;
  readonly session: string | null;
  readonly json: boolean;
}

export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; description: string }
>;

export interface CommandContext {
  readonly io: CliIo;
  readonly flags: GlobalFlags;
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: readonly string[];
  /** Opens the session's handle on the swarm (once), disposed after the command. */
  open(): Promise<SwarmSession>;
  /** Print `human` as text, or `data` as JSON under --json. */
  out(data: unknown, human: string): void;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpec;
  readonly details?: string;
  /**
   * On SIGINT/SIGTERM the command stops by itself through `io.signal` (the loop ends its tick
   * and releases its lock); otherwise the entry stops the commands it started and exits.
   */
  readonly stopsOnAbort?: boolean;
  /** How many positional arguments the command takes; more is a usage error (unchecked when absent). */
  readonly maxPositionals?: number;
  run(ctx: CommandContext): Promise<number>;
}
