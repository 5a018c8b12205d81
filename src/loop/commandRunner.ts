/**
 * Runs a validation or integration command in a shell, with a timeout that kills the whole
 * process group, and keeps the exit code, the duration and the last lines of output.
 */
import { spawn } from 'node:child_process';
import type { CommandResult } from '../core/records';

export const OUTPUT_TAIL_CHARS = 2000;

export function runCommand(
  command: string,
  cwd: string,
  timeoutSeconds: number,
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('bash', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (b: Buffer): void => {
      tail = (tail + b.toString('utf8')).slice(-OUTPUT_TAIL_CHARS * 2);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutSeconds * 1000);
    const finish = (code: number | null): void => {
      clearTimeout(timer);
      resolve({
        command,
        exitCode: timedOut ? null : code,
        durationMs: Date.now() - started,
        outputTail: tail.slice(-OUTPUT_TAIL_CHARS),
        timedOut,
      });
    };
    child.on('error', (e) => {
      tail += `\n${e.message}`;
      finish(127);
    });
    child.on('close', (code) => finish(code));
  });
}

/** Runs checks in order in `cwd`, stopping at the first failure; `passed` when every one exited 0. */
export async function runChecks(
  commands: readonly string[],
  cwd: string,
  timeoutSeconds: number,
  env: NodeJS.ProcessEnv,
): Promise<{ passed: boolean; results: CommandResult[] }> {
  const results: CommandResult[] = [];
  for (const cmd of commands) {
    const r = await runCommand(cmd, cwd, timeoutSeconds, env);
    results.push(r);
    if (r.exitCode !== 0) break;
  }
  return { passed: results.every((r) => r.exitCode === 0), results };
}
