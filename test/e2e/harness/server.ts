/**
 * code-server: start one on a free port with its own temp root, settings and extensions, and
 * stop it (the whole process group). The end-to-end harness is a real VS Code (code-server,
 * installed by scripts/install-code-server.sh) driven by Debian's Chromium through
 * playwright-core, in files along its parts: locations.ts (where things are, skip or fail),
 * processes.ts (nothing started outlives the test process), server.ts, browser.ts (Chromium
 * and the workbench), workbenchUi.ts (palette, notifications, status bar, screenshots),
 * extensionHost.ts (mocha inside the extension host), packaging.ts (.vsix).
 *
 * Setup (once per machine): `bash scripts/install-system-deps.sh` as root (Debian packages, then
 * code-server into .cache/code-server); `bash scripts/install-code-server.sh` alone for code-server.
 *
 * UI test (the S² suites share this frame through test/e2e/s2Workbench.ts):
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
import { CODE_SERVER_BIN, codeServerAvailable } from './locations';
import {
  groupAlive,
  installExitHooks,
  killGroupSync,
  killProcessesMatching,
  liveGroups,
  rmrf,
  sleep,
  startedMarkers,
  trace,
  withTimeout,
} from './processes';

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
