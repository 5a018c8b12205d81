/**
 * Chromium and the workbench: launch a fresh headless Chromium, open a running code-server's
 * workbench in it.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_BIN, INSTALL_HINT, isExecutable } from './locations';
import {
  installExitHooks,
  killProcessesMatching,
  liveBrowsers,
  makeTempDir,
  removeTempDir,
  startedMarkers,
  trace,
  withTimeout,
} from './processes';
import type { CodeServerHandle } from './server';

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
