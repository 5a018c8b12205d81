/**
 * The one door to git processes. Spawns git directly (simple-git adds a fixed wait to every
 * silent command; see RECIPES.md), counts every process so ticks can report their cost, and
 * turns failures into S2Errors that carry git's own words.
 */
import { spawn, spawnSync } from 'node:child_process';
import { S2Error } from '../core/errors';

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface GitOptions {
  readonly cwd: string;
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Non-zero exit is returned, not thrown. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
}

export const processStats = { spawned: 0, bytesRead: 0 };

/**
 * Every git process S² starts sees the object store as it is: replace refs (`refs/replace/*`)
 * and grafts would let anyone who can push a ref make `cat-file` serve another commit under a
 * snapshot's id (two views of one id), so both are off.
 */
export const GIT_ENV: Record<string, string> = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: 'echo',
  LC_ALL: 'C',
  GIT_NO_REPLACE_OBJECTS: '1',
  GIT_GRAFT_FILE: '/dev/null',
  GIT_NO_LAZY_FETCH: '1',
};

export function runGit(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    processStats.spawned++;
    const child = spawn('git', args as string[], {
      cwd: opts.cwd,
      // git inherits this process's environment (PATH, HOME, git's own variables); S² reads
      // none of its settings from here: those come from the host (SessionOptions).
      env: { ...process.env, ...GIT_ENV, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new S2Error('GIT_FAILED', `could not run git: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      processStats.bytesRead += stdout.length;
      const stderr = Buffer.concat(err).toString('utf8');
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (result.code !== 0 && !opts.allowFailure) {
        reject(
          new S2Error(
            'GIT_FAILED',
            `git ${args.join(' ')} failed (exit ${result.code}): ${stderr.trim() || stdout.trim()}`,
            { args: [...args], stderr },
          ),
        );
      } else resolve(result);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * The same door, synchronous: only for cleanup that must finish before this process goes on
 * (an abort listener removing a temporary worktree). Counted and bounded like runGit; never throws.
 */
export function runGitSync(args: readonly string[], opts: { cwd: string; timeoutMs: number }): GitResult {
  processStats.spawned++;
  const r = spawnSync('git', args as string[], {
    cwd: opts.cwd,
    env: { ...process.env, ...GIT_ENV },
    encoding: 'utf8',
    timeout: opts.timeoutMs,
    killSignal: 'SIGKILL',
  });
  return { code: r.status ?? 128, stdout: r.stdout ?? '', stderr: r.stderr ?? r.error?.message ?? '' };
}
