/**
 * The shared frame of the S² end-to-end suites: skip (or fail with CI=true) without
 * code-server, package the extension into a scratch folder, start code-server on the suite's
 * workspace with the .vsix installed, open the workbench; on a failed test keep a screenshot
 * and both logs; at the end close everything and fail on any code-server or Chromium left
 * running. Call it inside `describe`; what it opened is on the returned object after `before`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, type Workbench } from './harness/browser';
import { REPO_ROOT, saveArtifact, skipUnlessAvailable } from './harness/locations';
import { packageExtension } from './harness/packaging';
import { findProcesses } from './harness/processes';
import { startCodeServer, type CodeServerHandle } from './harness/server';
import { screenshot } from './harness/workbenchUi';

export interface S2Workbench {
  scratch: string;
  vsix: string;
  server: CodeServerHandle;
  wb: Workbench;
  page: Page;
}

export interface S2WorkbenchOptions {
  /** Prefix of the scratch folder and of the failure artifacts (`ext` → `ext-failure-…`). */
  readonly name: string;
  /** Make the swarm the workbench opens: its workspace, code-server's extra env, and its cleanup. */
  readonly seed: (scratch: string) => Promise<{ workspace: string; env: Record<string, string>; cleanup: () => void }>;
  /** Runs once the extension is packaged and the workbench is open (metrics). */
  readonly opened?: (s: S2Workbench) => void;
  /** Runs first in `after`, while code-server still runs (its logs are still there). */
  readonly closing?: (s: Partial<S2Workbench>) => void;
}

export function s2WorkbenchSuite(o: S2WorkbenchOptions): S2Workbench {
  const s: Partial<S2Workbench> = {};
  let cleanup: (() => void) | undefined;

  before(async function () {
    skipUnlessAvailable(this);
    this.timeout(240_000);
    s.scratch = fs.mkdtempSync(path.join(os.tmpdir(), `s2-${o.name}-e2e-`));
    const seeded = await o.seed(s.scratch);
    cleanup = seeded.cleanup;
    s.vsix = packageExtension(REPO_ROOT, path.join(s.scratch, 's2.vsix'));
    s.server = await startCodeServer({ workspace: seeded.workspace, vsixPath: s.vsix, env: seeded.env });
    s.wb = await openWorkbench(s.server);
    s.page = s.wb.page;
    o.opened?.(s as S2Workbench);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !s.wb) return;
    const name = `${o.name}-failure-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`;
    await screenshot(s.wb.page, name).catch(() => undefined);
    saveArtifact(`${name}-browser.log`, s.wb.consoleLog());
    if (s.server) saveArtifact(`${name}-code-server.log`, s.server.log());
  });

  after(async function () {
    this.timeout(60_000);
    o.closing?.(s);
    await s.wb?.close();
    await s.server?.stop();
    cleanup?.();
    if (s.scratch) fs.rmSync(s.scratch, { recursive: true, force: true });
    const leaked = [...findProcesses('s2-code-server-'), ...findProcesses('--s2-e2e-tag=')];
    assert.deepEqual(leaked, [], `leaked processes: ${JSON.stringify(leaked)}`);
  });

  return s as S2Workbench;
}
