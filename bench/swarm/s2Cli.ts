import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { signInstruction } from '../../src/core/instructionSignature';
import { keyPath } from '../../src/git/keyStore';

/**
 * Every `s2` command the swarm run uses, in one place: the run drives the built CLI
 * (`node dist/cli.js …`) as agents and people do, so a change to a command's arguments
 * (a passphrase for `approve`, a signed `instruct`, a stricter `complete-phase`) is adjusted
 * here and nowhere else.
 */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export function defaultCliPath(): string {
  // out/bench/swarm/s2Cli.js → <repo>/dist/cli.js
  return path.resolve(__dirname, '../../../dist/cli.js');
}

export class S2Cli {
  constructor(
    readonly cliPath: string,
    readonly cwd: string,
    readonly env: NodeJS.ProcessEnv,
    readonly session: string | null,
  ) {}

  private argv(args: readonly string[]): string[] {
    return [this.cliPath, ...(this.session ? ['--session', this.session] : []), ...args];
  }

  /** Run one command to its end; never throws for a non-zero exit (the exit code is the answer). */
  run(args: readonly string[], stdin?: string): Promise<CliResult> {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(process.execPath, this.argv(args), {
        cwd: this.cwd,
        env: this.env,
        stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
      if (stdin !== undefined) child.stdin!.end(stdin);
      child.on('error', (e) => resolve({ code: 127, stdout, stderr: stderr + e.message, ms: Date.now() - started }));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started }));
    });
  }

  /** The long-running guarded loop, printing one JSON line per event and tick. */
  spawnPoll(intervalSeconds: number): ChildProcess {
    return spawn(process.execPath, this.argv(['--json', 'poll', '--interval', String(intervalSeconds)]), {
      cwd: this.cwd,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  init(manifestFile: string): Promise<CliResult> {
    return this.run(['--json', 'init', '--manifest', manifestFile]);
  }
  status(): Promise<CliResult> {
    return this.run(['--json', 'status']);
  }
  verify(ref: string): Promise<CliResult> {
    return this.run(['--json', 'verify', ref]);
  }
  helpAuto(): Promise<CliResult> {
    return this.run(['--json', 'help', '--auto']);
  }
  helpRelease(): Promise<CliResult> {
    return this.run(['--json', 'help', '--release']);
  }
  adopt(ref: string): Promise<CliResult> {
    return this.run(['--json', 'adopt', ref]);
  }
  /** `N` for one's own phase, `SESSION:N` for an adopted one. */
  completePhase(phase: string): Promise<CliResult> {
    return this.run(['--json', 'complete-phase', phase]);
  }
  spend(usd: number, note: string): Promise<CliResult> {
    return this.run(['--json', 'spend', usd.toFixed(2), '--model', 'stand-in', '--note', note]);
  }
  /** One Claude Code hook call (PreToolUse / PostToolUse of the Task tool). */
  hook(event: 'PreToolUse' | 'PostToolUse', toolUseId: string): Promise<CliResult> {
    const input = {
      hook_event_name: event,
      session_id: `stand-in-${this.session}`,
      tool_name: 'Task',
      tool_input: { description: 'stand-in sub-agent' },
      tool_use_id: toolUseId,
    };
    return this.run(['hook', 'claude'], JSON.stringify(input));
  }
  /** A person (the manifest's approver) raises a session's budget. */
  approve(session: string, usd: number, approver = 'owner'): Promise<CliResult> {
    return this.run(['--json', 'approve', session, '--usd', String(usd), '--as', approver, '--note', 'swarm run']);
  }
  /**
   * The phases' instructions, committed on the coordination branch in `this.cwd` (the
   * coordination checkout) by the person running the swarm, each signed with the approver's
   * key as `s2 instruct` signs one (an unsigned instruction is never executed). Signed in
   * process: seventy `s2 instruct` runs would cost a minute of a CI-sized run.
   */
  commitInstructions(
    list: readonly { session: string; phase: number; text: string }[],
    swarm: string,
    approver = 'owner',
  ): void {
    // init ran with no passphrase and no terminal, so the approver key is in clear here.
    const key = readFileSync(keyPath(swarm, `approver-${approver}`, this.env), 'utf8');
    for (const i of list) {
      const file = path.join(this.cwd, '.s2', 'instructions', i.session, `phase-${i.phase}.md`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, signInstruction(i.text, i.session, i.phase, approver, key));
    }
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: this.cwd, env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    git('add', '.s2/instructions');
    git('commit', '-q', '-m', `instructions for ${list.length} phases`);
  }
  statusFetched(): Promise<CliResult> {
    return this.run(['--json', 'status', '--fetch']);
  }
  conflicts(): Promise<CliResult> {
    return this.run(['--json', 'conflicts']);
  }
  validate(): Promise<CliResult> {
    return this.run(['--json', 'validate']);
  }
}

/** The hook's answer: denied when it printed a `deny` decision. */
export function hookDenied(r: CliResult): boolean {
  return /"permissionDecision"\s*:\s*"deny"/.test(r.stdout);
}
