/**
 * End-to-end harness: a real VS Code (code-server, installed by scripts/install-code-server.sh)
 * driven by Debian's Chromium through playwright-core. See docs in /work/shared/RECIPES.md
 * ("A real VS Code for end-to-end tests: code-server" and "Extension-host tests in code-server").
 *
 * Every process started here is tracked: `stop()`/`close()` end it, and a process 'exit' handler
 * plus SIGINT/SIGTERM handlers kill whatever is still running, so an aborted test run leaves no
 * code-server or Chromium behind.
 *
 * Setup (once per machine): `bash scripts/install-system-deps.sh` as root (Debian packages, then
 * code-server into .cache/code-server); `bash scripts/install-code-server.sh` alone for code-server.
 *
 * UI test:
 *   before(function () { skipUnlessAvailable(this); });   // skip locally, fail with CI=true
 *   const server = await startCodeServer({ workspace, vsixPath });   // or extensionDevelopmentPath
 *   const wb = await openWorkbench(server);
 *   try {
 *     await runCommand(wb.page, 'Category: Title');
 *     await waitForNotification(wb.page, 'text'); await waitForStatusBarItem(wb.page, 'text');
 *     await screenshot(wb.page, 'name');                    // -> test-artifacts/name.png
 *   } finally { await wb.close(); await server.stop(); }
 *
 * Extension-host test (mocha inside the real extension host; `run()` module as for test-electron):
 *   const r = await runExtensionTests({ workspace, extensionPath, testsModule: 'out/test/index.js', env });
 *   assert.equal(r.exitCode, 0, r.log);
 *
 * Environment: S2_CODE_SERVER_DIR / S2_CODE_SERVER_BIN / S2_CHROMIUM override locations;
 * S2_E2E_DEBUG=1 prints the harness trace; CI=true or S2_REQUIRE_E2E=1 turn skips into failures.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// ---------------------------------------------------------------------------------------------
// Locations

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (
      fs.existsSync(path.join(dir, 'package.json')) &&
      fs.existsSync(path.join(dir, 'scripts', 'install-code-server.sh'))
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      // Compiled layout out/test/e2e/harness -> four levels up.
      return path.resolve(start, '..', '..', '..', '..');
    }
    dir = parent;
  }
}

/** The repository root (the folder holding package.json and scripts/install-code-server.sh). */
export const REPO_ROOT = findRepoRoot(__dirname);
/** Screenshots and failure logs go here (gitignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');

const CODE_SERVER_DIR = process.env.S2_CODE_SERVER_DIR || path.join(REPO_ROOT, '.cache', 'code-server');
/** The code-server entry script (run with this Node), overridable with S2_CODE_SERVER_BIN. */
export const CODE_SERVER_BIN =
  process.env.S2_CODE_SERVER_BIN ||
  path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CODE_SERVER_MARKER = path.join(CODE_SERVER_DIR, '.s2-installed');
/** The Chromium binary, overridable with S2_CHROMIUM. */
export const CHROMIUM_BIN = process.env.S2_CHROMIUM || '/usr/bin/chromium';

export const INSTALL_HINT =
  'run `bash scripts/install-system-deps.sh` as root (Debian packages incl. chromium, then code-server), ' +
  'or `bash scripts/install-code-server.sh` if only code-server is missing';

/** Whether code-server and Chromium are installed; `why` says what is missing and what to run. */
export function codeServerAvailable(): { ok: boolean; why?: string } {
  const missing: string[] = [];
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    missing.push(`code-server not found at ${CODE_SERVER_BIN} (run: bash scripts/install-code-server.sh)`);
  } else if (!process.env.S2_CODE_SERVER_BIN && !fs.existsSync(CODE_SERVER_MARKER)) {
    missing.push(
      `code-server installation in ${CODE_SERVER_DIR} is incomplete, no marker ${CODE_SERVER_MARKER} ` +
        '(run: bash scripts/install-code-server.sh)',
    );
  }
  if (!isExecutable(CHROMIUM_BIN)) {
    missing.push(`chromium not found at ${CHROMIUM_BIN} (run as root: bash scripts/install-system-deps.sh)`);
  }
  return missing.length === 0 ? { ok: true } : { ok: false, why: missing.join('; ') };
}

/**
 * True when missing e2e infrastructure must fail the run instead of skipping the tests:
 * in CI (CI=true) or with S2_REQUIRE_E2E=1.
 */
export function e2eRequired(): boolean {
  return process.env.CI === 'true' || process.env.S2_REQUIRE_E2E === '1';
}

/**
 * For a mocha `before`/`it`: skips the test (with a message saying what to install) when
 * code-server or Chromium is missing, or throws when e2eRequired().
 */
export function skipUnlessAvailable(ctx: Mocha.Context): void {
  const avail = codeServerAvailable();
  if (avail.ok) return;
  const msg = `end-to-end infrastructure missing: ${avail.why}`;
  if (e2eRequired()) {
    throw new Error(`${msg} (CI=true or S2_REQUIRE_E2E=1: failing instead of skipping)`);
  }
  console.warn(`      skipped: ${msg}`);
  ctx.skip();
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: nothing we start may outlive the test process.

const liveGroups = new Map<number, string>(); // code-server pgid -> its temp root
/** Temp roots and Chromium tags of everything this process started (for leak checks). */
const startedMarkers = new Set<string>();
const liveBrowsers = new Map<string, Browser>(); // tag -> browser
let exitHooksInstalled = false;

function killGroupSync(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
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

function installExitHooks(): void {
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

// ---------------------------------------------------------------------------------------------
// code-server

export interface StartOptions {
  /** Folder opened in the workbench by default (also code-server's positional argument). */
  workspace: string;
  /** Load an extension from its folder (sent to the workbench in the URL payload). */
  extensionDevelopmentPath?: string;
  /** Install this .vsix into the fresh extensions dir before starting. */
  vsixPath?: string;
  /** Extra environment for code-server (the extension host inherits it). */
  env?: Record<string, string>;
  /** Extra User/settings.json entries. */
  settings?: Record<string, unknown>;
  /** How long to wait for code-server to listen (default 60 s). */
  startTimeoutMs?: number;
}

export interface CodeServerHandle {
  url: string;
  port: number;
  pid: number;
  workspace: string;
  extensionDevelopmentPath?: string;
  /** Temp folder holding user-data-dir, extensions dir, TMPDIR and the config. */
  tempRoot: string;
  userDataDir: string;
  extensionsDir: string;
  /** Milliseconds from spawn to the first successful /healthz. */
  startMs: number;
  /** Everything code-server printed so far. */
  log(): string;
  /** `vscode-remote://127.0.0.1:PORT/abs/path` for a local absolute path. */
  remoteUri(absPath: string): string;
  /** Kill the whole process group and remove the temp folders. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
};

/** A free TCP port on 127.0.0.1 (the OS picks; another process could take it before we bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

function cleanEnv(extra: Record<string, string> | undefined, tempRoot: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Variables of an enclosing VS Code / Electron would confuse code-server and its ext host.
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'ELECTRON_NO_ATTACH_CONSOLE') continue;
    env[k] = v;
  }
  env.TMPDIR = path.join(tempRoot, 'tmp');
  // code-server writes a default config.yaml and coder-logs under these: keep $HOME clean.
  env.XDG_CONFIG_HOME = path.join(tempRoot, 'xdg-config');
  env.XDG_DATA_HOME = path.join(tempRoot, 'xdg-data');
  // VS Code's device id (~/.cache/Microsoft/DeveloperTools) goes here too.
  env.XDG_CACHE_HOME = path.join(tempRoot, 'xdg-cache');
  return { ...env, ...(extra ?? {}) };
}

function runToCompletion(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): { code: number; out: string } {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${String(r.error)}` : ''}`;
  return { code: r.status ?? -1, out };
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolve with p, or with `fallback` after ms; the timer is cleared as soon as p settles. */
function withTimeout<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<F>((r) => {
    timer = setTimeout(() => r(fallback), ms);
  });
  return Promise.race([p, t]).finally(() => timer && clearTimeout(timer));
}

function rmrf(dir: string): void {
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

function toRemoteUri(port: number, absPath: string): string {
  const p = path.resolve(absPath).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://127.0.0.1:${port}${p.startsWith('/') ? p : `/${p}`}`;
}

/**
 * Start code-server on a free 127.0.0.1 port with a fresh user-data-dir, extensions dir and
 * TMPDIR under one temp folder. Resolves once it answers HTTP.
 */
export async function startCodeServer(opts: StartOptions): Promise<CodeServerHandle> {
  const avail = codeServerAvailable();
  if (!fs.existsSync(CODE_SERVER_BIN)) throw new Error(`${avail.why}`);
  installExitHooks();

  const workspace = path.resolve(opts.workspace);
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 's2-code-server-'));
  startedMarkers.add(tempRoot);
  const userDataDir = path.join(tempRoot, 'user-data');
  const extensionsDir = path.join(tempRoot, 'extensions');
  const configFile = path.join(tempRoot, 'config.yaml');
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, path.join(tempRoot, 'tmp')]) {
    fs.mkdirSync(d, { recursive: true });
  }
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...(opts.settings ?? {}) }, null, 2),
  );
  const env = cleanEnv(opts.env, tempRoot);
  const baseArgs = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  try {
    if (opts.vsixPath) {
      const vsix = path.resolve(opts.vsixPath);
      trace(`code-server --install-extension ${vsix}`);
      const r = runToCompletion(
        process.execPath,
        [CODE_SERVER_BIN, ...baseArgs, '--install-extension', vsix],
        env,
        120_000,
      );
      if (r.code !== 0 || !/successfully installed/i.test(r.out)) {
        throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.code}):\n${r.out}`);
      }
      trace('extension installed');
    }

    let lastErr: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const port = await freePort();
      try {
        return await launch(port);
      } catch (e) {
        lastErr = e;
        // Port taken between freePort() and bind: try another one.
        if (!/EADDRINUSE|address already in use/i.test(String(e))) break;
      }
    }
    throw lastErr;
  } catch (e) {
    rmrf(tempRoot);
    throw e;
  }

  async function launch(port: number): Promise<CodeServerHandle> {
    const args = [
      CODE_SERVER_BIN,
      ...baseArgs,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      workspace,
    ];
    const logChunks: string[] = [];
    const t0 = Date.now();
    const child: ChildProcess = spawn(process.execPath, args, {
      env,
      cwd: tempRoot,
      detached: true, // own process group: stop() kills it and all its children at once
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error('failed to spawn code-server');
    trace(`code-server pid ${pid} spawned on port ${port}, temp ${tempRoot}`);
    liveGroups.set(pid, tempRoot);
    child.stdout?.on('data', (b: Buffer) => logChunks.push(b.toString()));
    child.stderr?.on('data', (b: Buffer) => logChunks.push(b.toString()));
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exitPromise = new Promise<void>((resolve) =>
      child.on('exit', (code, signal) => {
        exited = { code, signal };
        resolve();
      }),
    );
    const log = (): string => logChunks.join('');

    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      const ts = Date.now();
      killGroupSync(pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) killGroupSync(pid, 'SIGKILL');
      await withTimeout(exitPromise, 2000, undefined);
      // Anything that left the group (setsid) but still uses our temp folder.
      killProcessesMatching(tempRoot, 'SIGKILL');
      liveGroups.delete(pid);
      rmrf(tempRoot);
      trace(`code-server pid ${pid} stopped in ${Date.now() - ts} ms`);
    };

    const url = `http://127.0.0.1:${port}/`;
    const timeout = opts.startTimeoutMs ?? 60_000;
    for (;;) {
      if (exited) {
        await stop();
        throw new Error(`code-server exited (${exited.code ?? exited.signal}) before listening:\n${log()}`);
      }
      if (await httpOk(`${url}healthz`)) {
        trace(`code-server listening on ${url} after ${Date.now() - t0} ms`);
        break;
      }
      if (Date.now() - t0 > timeout) {
        await stop();
        throw new Error(`code-server did not listen on ${url} within ${timeout} ms:\n${log()}`);
      }
      await sleep(150);
    }
    return {
      url,
      port,
      pid,
      workspace,
      extensionDevelopmentPath: opts.extensionDevelopmentPath ? path.resolve(opts.extensionDevelopmentPath) : undefined,
      tempRoot,
      userDataDir,
      extensionsDir,
      startMs: Date.now() - t0,
      log,
      remoteUri: (p: string) => toRemoteUri(port, p),
      stop,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Chromium + workbench

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export interface Workbench {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Milliseconds from page.goto to `.monaco-workbench` being visible. */
  renderMs: number;
  /** Browser console messages and page errors seen so far. */
  consoleLog(): string;
  /** Close the browser (kills it if it does not close in time). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Folder to open (default: the handle's workspace). */
  folder?: string;
  /** Extra payload entries; extensionDevelopmentPath from startCodeServer is added automatically. */
  payload?: [string, string][];
  /** Called with the page before navigation (e.g. page.exposeFunction). */
  beforeGoto?: (page: Page) => Promise<void>;
  /** Wait for `.monaco-workbench` (default true) and for at most this long (default 90 s). */
  waitForWorkbench?: boolean;
  workbenchTimeoutMs?: number;
  viewport?: { width: number; height: number };
}

/** Launch a fresh Chromium for this test process. */
export async function launchChromium(): Promise<{ browser: Browser; tag: string; close(): Promise<void> }> {
  installExitHooks();
  if (!isExecutable(CHROMIUM_BIN)) throw new Error(`chromium not found at ${CHROMIUM_BIN}; ${INSTALL_HINT}`);
  // An inert switch that marks this browser's processes, so they can be found and killed.
  const tag = `--s2-e2e-tag=${process.pid}-${randomBytes(6).toString('hex')}`;
  startedMarkers.add(tag);
  const tl = Date.now();
  // Chromium writes crash-report settings and dconf files under XDG dirs even with a temp
  // profile: keep them out of $HOME.
  const xdg = makeTempDir('s2-chromium-xdg-');
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_BIN,
      headless: true,
      args: [...CHROMIUM_ARGS, tag],
      timeout: 60_000,
      env: { ...process.env, XDG_CONFIG_HOME: path.join(xdg, 'config'), XDG_CACHE_HOME: path.join(xdg, 'cache') },
    });
  } catch (e) {
    killProcessesMatching(tag, 'SIGKILL');
    removeTempDir(xdg);
    throw e;
  }
  liveBrowsers.set(tag, browser);
  trace(`chromium ${browser.version()} launched in ${Date.now() - tl} ms (${tag})`);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const tc = Date.now();
    const r = await withTimeout(
      browser.close().then(
        () => 'closed' as const,
        () => 'error' as const,
      ),
      10_000,
      'timeout' as const,
    );
    const killed = killProcessesMatching(tag, 'SIGKILL');
    liveBrowsers.delete(tag);
    removeTempDir(xdg);
    trace(`chromium ${r} in ${Date.now() - tc} ms${killed.length ? `, killed leftovers ${killed.join(',')}` : ''}`);
  };
  return { browser, tag, close };
}

/** The workbench URL for a folder plus payload entries. */
export function workbenchUrl(handle: CodeServerHandle, folder: string, payload: [string, string][]): string {
  let url = `${handle.url}?folder=${encodeURIComponent(path.resolve(folder))}`;
  if (payload.length > 0) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** Open the workbench of a running code-server in a fresh headless Chromium. */
export async function openWorkbench(handle: CodeServerHandle, opts: OpenOptions = {}): Promise<Workbench> {
  const payload: [string, string][] = [];
  if (handle.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', handle.remoteUri(handle.extensionDevelopmentPath)]);
  }
  payload.push(...(opts.payload ?? []));
  const url = workbenchUrl(handle, opts.folder ?? handle.workspace, payload);

  const chrome = await launchChromium();
  const consoleLines: string[] = [];
  try {
    const context = await chrome.browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    if (opts.beforeGoto) await opts.beforeGoto(page);
    const t0 = Date.now();
    trace(`goto ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    if (opts.waitForWorkbench !== false) {
      await page
        .locator('.monaco-workbench')
        .first()
        .waitFor({ state: 'visible', timeout: opts.workbenchTimeoutMs ?? 90_000 });
      trace(`workbench visible after ${Date.now() - t0} ms`);
    }
    return {
      browser: chrome.browser,
      context,
      page,
      renderMs: Date.now() - t0,
      consoleLog: () => consoleLines.join('\n'),
      close: chrome.close,
    };
  } catch (e) {
    await chrome.close();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Extension-host tests

export interface ExtensionTestOptions {
  /** Folder opened in the workbench (the tests see it as the workspace folder). */
  workspace: string;
  /** The extension's folder (its package.json), loaded as extensionDevelopmentPath. */
  extensionPath: string;
  /** Module exporting run(): Promise<void> (absolute path, or relative to extensionPath). */
  testsModule: string;
  /** Environment for code-server and therefore for the extension host and the tests. */
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** Overall limit (default 180 s). */
  timeoutMs?: number;
  /** Echo the extension host's log lines to this process's stdout as they come (default false). */
  echo?: boolean;
}

export interface ExtensionTestResult {
  exitCode: number;
  /** Lines the extension host logged (mocha's reporter output, console.log of tests). */
  log: string;
  /** Timings in ms: code-server start, workbench render, total. */
  timings: { startMs: number; renderMs: number; totalMs: number };
}

/**
 * Run a mocha suite inside code-server's extension host with the extension loaded from its
 * folder, as @vscode/test-web does. Resolves with the suite's exit code (0 = all passed).
 * Rejects when the suite does not finish in time (the error carries the log so far).
 */
export async function runExtensionTests(opts: ExtensionTestOptions): Promise<ExtensionTestResult> {
  const t0 = Date.now();
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const extensionPath = path.resolve(opts.extensionPath);
  const testsModule = path.resolve(extensionPath, opts.testsModule);
  if (!fs.existsSync(path.join(extensionPath, 'package.json'))) {
    throw new Error(`no package.json in extensionPath ${extensionPath}`);
  }
  if (!fs.existsSync(testsModule) && !fs.existsSync(`${testsModule}.js`)) {
    throw new Error(`testsModule not found: ${testsModule}`);
  }
  const lines: string[] = [];
  let resolveExit!: (code: number) => void;
  const exitCode = new Promise<number>((r) => (resolveExit = r));

  const handle = await startCodeServer({ workspace: opts.workspace, env: opts.env, settings: opts.settings });
  let wb: Workbench | undefined;
  try {
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', handle.remoteUri(extensionPath)],
      ['extensionTestsPath', handle.remoteUri(testsModule)],
    ];
    wb = await openWorkbench(handle, {
      folder: opts.workspace,
      payload,
      waitForWorkbench: false,
      beforeGoto: async (page) => {
        await page.exposeFunction('codeAutomationExit', (code: unknown) => resolveExit(Number(code)));
        await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
          const parts = Array.isArray(args) ? args : [args];
          const line = util.format(...parts);
          lines.push(type === 'error' ? `[error] ${line}` : line);
          if (opts.echo) process.stdout.write(`${line}\n`);
        });
      },
    });
    const renderStart = Date.now();
    const renderMs = await wb.page
      .locator('.monaco-workbench')
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs })
      .then(() => Date.now() - renderStart + wb!.renderMs)
      .catch(() => -1);
    trace(`extension-host tests: workbench visible after ${renderMs} ms`);
    const remaining = Math.max(1000, timeoutMs - (Date.now() - t0));
    const code = await withTimeout(exitCode, remaining, 'timeout' as const);
    trace(
      `extension-host tests: ${code === 'timeout' ? 'timed out' : `exit code ${code}`} after ${Date.now() - t0} ms`,
    );
    if (code === 'timeout') {
      const err = new Error(
        `extension tests did not finish within ${timeoutMs} ms.\n--- extension host log ---\n${lines.join('\n')}` +
          `\n--- browser console (tail) ---\n${tail(wb.consoleLog(), 60)}\n--- code-server (tail) ---\n${tail(handle.log(), 60)}`,
      );
      throw err;
    }
    return {
      exitCode: code,
      log: lines.join('\n'),
      timings: { startMs: handle.startMs, renderMs, totalMs: Date.now() - t0 },
    };
  } finally {
    if (wb) await wb.close();
    await handle.stop();
  }
}

function tail(text: string, n: number): string {
  return text.split('\n').slice(-n).join('\n');
}

// ---------------------------------------------------------------------------------------------
// UI helpers

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Run a command from the command palette by its "Category: Title" label: click the editor area,
 * Ctrl+Shift+P, type the label, pick the row showing exactly that label.
 */
export async function runCommand(page: Page, label: string, timeoutMs = 20_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  for (let attempt = 1; ; attempt++) {
    await page.locator('.part.editor').first().click({ timeout: timeoutMs });
    await page.keyboard.press('Control+Shift+P');
    try {
      await widget.waitFor({ state: 'visible', timeout: 5000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw new Error(`command palette did not open: ${String(e)}`, { cause: e });
    }
  }
  const input = widget.locator('input').first();
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  // The palette opens with ">" typed; make sure it is there, then type the label after it.
  const value = await input.inputValue();
  if (!value.startsWith('>')) await input.fill('>');
  await page.keyboard.type(label);
  const row = widget
    .locator('.monaco-list-row')
    // "S2: X" also finds "S² · S2: X" (S²'s category, findable by both names).
    .filter({
      has: page.locator('.label-name', {
        hasText: new RegExp(`^\\s*${label.startsWith('S2: ') ? '(S² · )?' : ''}${escapeRegExp(label)}\\s*$`),
      }),
    })
    .first();
  try {
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const rows = await widget.locator('.monaco-list-row').allTextContents();
    await page.keyboard.press('Escape');
    throw new Error(`command "${label}" not found in the palette; rows: ${JSON.stringify(rows)}`);
  }
  await row.click();
  trace(`ran command "${label}" from the palette`);
  await widget.waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
}

/** The notification toast whose text contains `text` (waits for it to be visible). */
export async function waitForNotification(page: Page, text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await toast.textContent()) ?? '';
}

/** The status-bar entry whose text contains `text` (waits for it to be visible). */
export async function waitForStatusBarItem(page: Page, text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const item = page.locator('.statusbar-item').filter({ hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await item.textContent()) ?? '';
}

/**
 * Save a PNG of the page into <repo>/test-artifacts/NAME.png; returns the path. Waits `settleMs`
 * (default 400) first so that sliding notifications and hovers have finished animating.
 */
export async function screenshot(page: Page, name: string, settleMs = 400): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  if (settleMs > 0) await page.waitForTimeout(settleMs);
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/\.png$/i, '');
  const file = path.join(ARTIFACTS_DIR, `${safe}.png`);
  await page.screenshot({ path: file, timeout: 30_000 });
  return file;
}

/** Write text (e.g. a failure log) into <repo>/test-artifacts/NAME; returns the path. */
export function saveArtifact(name: string, text: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name.replace(/[^A-Za-z0-9._-]+/g, '_'));
  fs.writeFileSync(file, text);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Packaging

/**
 * Package an extension folder into a .vsix with the project's @vscode/vsce
 * (node_modules/.bin/vsce; `npx` of uninstalled packages is refused on these machines).
 */
export function packageExtension(extensionPath: string, outFile: string): string {
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const vsceBin = fs.existsSync(vsce) ? vsce : path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [
      vsceBin,
      'package',
      '--no-dependencies',
      '--skip-license',
      '--allow-missing-repository',
      '--out',
      path.resolve(outFile),
    ],
    {
      cwd: extensionPath,
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_yes: 'true' },
    },
  );
  if (r.status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(
      `vsce package failed (exit ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`,
    );
  }
  trace(`vsce package ${extensionPath} -> ${outFile} in ${Date.now() - t0} ms`);
  return path.resolve(outFile);
}
