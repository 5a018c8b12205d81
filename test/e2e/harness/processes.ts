/**
 * Process bookkeeping: every code-server and Chromium this test process starts is tracked, and an
 * exit or SIGINT/SIGTERM/SIGHUP handler kills what is still running, so an aborted run leaves
 * nothing behind. Also the trace, temp folders and small waits the other harness files share.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Browser } from 'playwright-core';
import { saveArtifact } from './locations';

export const liveGroups = new Map<number, string>(); // code-server pgid -> its temp root
/** Temp roots and Chromium tags of everything this process started (for leak checks). */
export const startedMarkers = new Set<string>();
export const liveBrowsers = new Map<string, Browser>(); // tag -> browser
let exitHooksInstalled = false;

export function killGroupSync(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kill every process whose command line contains `needle` (Linux /proc scan). Returns the pids. */
export function killProcessesMatching(needle: string, signal: NodeJS.Signals = 'SIGKILL'): number[] {
  const pids = findProcesses(needle).map((p) => p.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
  return pids;
}

/** Processes (other than this one) whose command line contains `needle`. */
export function findProcesses(needle: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (cmd && cmd.includes(needle)) {
      // Skip zombies: they are already dead, only waiting for their parent.
      try {
        const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        if (state === 'Z' || state === 'X') continue;
      } catch {
        continue;
      }
      out.push({ pid, cmd });
    }
  }
  return out;
}

/**
 * Processes started by this harness in this test process that are still running (after every
 * stop()/close() this should be empty). Only looks at our own markers, so concurrent runs of
 * other test processes on the same machine do not count.
 */
export function leakedProcesses(): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const m of startedMarkers) out.push(...findProcesses(m));
  return out;
}

const traceLines: string[] = [];
const traceT0 = Date.now();
/**
 * Record a timestamped harness event. Printed to stderr with S2_E2E_DEBUG=1; the whole trace is
 * available from traceLog() and written to test-artifacts/e2e-trace.log by saveTrace().
 */
export function trace(msg: string): void {
  const line = `${new Date().toISOString()} +${((Date.now() - traceT0) / 1000).toFixed(1)}s ${msg}`;
  traceLines.push(line);
  if (process.env.S2_E2E_DEBUG === '1') process.stderr.write(`[e2e] ${line}\n`);
}
export function traceLog(): string {
  return traceLines.join('\n');
}
export function saveTrace(name = 'e2e-trace.log'): string {
  return saveArtifact(name, `${traceLog()}\n`);
}

const tempDirs = new Set<string>();

/**
 * A fresh temp folder (for workspaces, .vsix files) removed at process exit, also on Ctrl+C;
 * remove it earlier with removeTempDir().
 */
export function makeTempDir(prefix = 's2-e2e-'): string {
  installExitHooks();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmrf(dir);
  tempDirs.delete(dir);
}

function killEverythingSync(): void {
  for (const [pgid, tempRoot] of liveGroups) {
    killGroupSync(pgid, 'SIGKILL');
    try {
      fs.rmSync(tempRoot, { recursive: true, force: true });
    } catch {
      /* best effort while exiting */
    }
  }
  liveGroups.clear();
  for (const tag of liveBrowsers.keys()) killProcessesMatching(tag, 'SIGKILL');
  liveBrowsers.clear();
  for (const dir of tempDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort while exiting */
    }
  }
  tempDirs.clear();
}

export function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', killEverythingSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killEverythingSync();
      process.removeListener(sig, handler);
      // Keep the default behaviour (exit) unless someone else handles the signal.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

// code-server

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolve with p, or with `fallback` after ms; the timer is cleared as soon as p settles. */
export function withTimeout<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<F>((r) => {
    timer = setTimeout(() => r(fallback), ms);
  });
  return Promise.race([p, t]).finally(() => timer && clearTimeout(timer));
}

export function rmrf(dir: string): void {
  for (let i = 0; i < 5; i++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch {
      // A dying process may still be writing (e.g. logs); retry shortly.
      spawnSync('sleep', ['0.2']);
    }
  }
}
