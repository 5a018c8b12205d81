/**
 * Extension-host tests in code-server: mocha inside the real extension host, its exit code and
 * log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { trace, withTimeout } from './processes';
import { startCodeServer } from './server';
import { Workbench, openWorkbench } from './browser';

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
