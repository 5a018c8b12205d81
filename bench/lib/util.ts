import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Small helpers shared by the benchmarks: statistics, clocks, child-process CPU, git. */

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Distribution {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly max: number;
  readonly mean: number;
}

export function distribution(xs: readonly number[]): Distribution {
  return {
    n: xs.length,
    min: xs.length ? Math.min(...xs) : NaN,
    p50: quantile(xs, 0.5),
    p90: quantile(xs, 0.9),
    max: xs.length ? Math.max(...xs) : NaN,
    mean: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN,
  };
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const CLK_TCK = 100; // getconf CLK_TCK on Linux

/**
 * CPU (ms) spent by child processes: the ones already reaped (cutime + cstime of this
 * process, which include their own waited-for children, e.g. git push → receive-pack) plus
 * the ones still alive (a long-lived cat-file). Linux only; 10 ms granularity. NaN elsewhere.
 */
export function childrenCpuMs(): number {
  try {
    const self = statFields(readFileSync('/proc/self/stat', 'utf8'));
    let ticks = Number(self[13]) + Number(self[14]); // cutime, cstime (fields 16, 17)
    const me = String(process.pid);
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || pid === me) continue;
      let f: string[];
      try {
        f = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        continue;
      }
      if (f[1] !== me) continue; // ppid (field 4)
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
    }
    return (ticks * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Fields of /proc/PID/stat after the command name: [state, ppid, ...]; index i is field i+3. */
function statFields(text: string): string[] {
  return text
    .slice(text.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
}

export function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

/** Wall, this process's CPU and its children's CPU around `fn`. */
export async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; wallMs: number; cpuMs: number; childCpuMs: number }> {
  const c0 = childrenCpuMs();
  const u0 = process.cpuUsage();
  const t0 = nowMs();
  const value = await fn();
  const wallMs = nowMs() - t0;
  const u = process.cpuUsage(u0);
  const c1 = childrenCpuMs();
  return { value, wallMs, cpuMs: cpuMs(u), childCpuMs: c1 - c0 };
}

export const GIT_BENCH_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@s2',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@s2',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run git (async, never throws unless asked): the benchmarks' own git, not counted by S²'s processStats. */
export function git(
  cwd: string,
  args: readonly string[],
  opts: { input?: string | Buffer; check?: boolean; env?: Record<string, string> } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args as string[], {
      cwd,
      env: { ...process.env, ...GIT_BENCH_ENV, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const r = {
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (opts.check !== false && r.code !== 0)
        reject(new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${r.stderr.trim() || r.stdout.trim()}`));
      else resolve(r);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export function execNode(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; wallMs: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = nowMs();
    execFile(process.execPath, args as string[], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (e, stdout, stderr) => {
      const code = e ? ((e as { code?: number }).code ?? 1) : 0;
      resolve({
        code: typeof code === 'number' ? code : 1,
        wallMs: nowMs() - t0,
        stdout: String(stdout),
        stderr: String(stderr),
      });
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Best effort: a git child that is still exiting may hold the folder for a moment. */
export function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (e) {
    process.stderr.write(`bench: could not remove ${dir}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

/** The repository root (where package.json is), from the compiled out/bench/… or the sources. */
export function repoRoot(): string {
  let d = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(d, 'package.json')) && existsSync(path.join(d, 'src'))) return d;
    d = path.dirname(d);
  }
  return process.cwd();
}

/** A small deterministic PRNG (mulberry32), so generated swarms are the same run after run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
