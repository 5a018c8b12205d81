/**
 * The packaged S² extension in a real VS Code (code-server) driven through Debian's Chromium,
 * against a seeded 7-session swarm in real git. One code-server and one browser for the suite;
 * other sessions write through the CLI while the page is open. Screenshots go to test-artifacts/.
 * Skips when code-server/Chromium are missing, fails instead when CI=true or S2_REQUIRE_E2E=1.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { git } from '../helpers/gitFixture';
import {
  findProcesses,
  openWorkbench,
  packageExtension,
  REPO_ROOT,
  runCommand,
  saveArtifact,
  screenshot,
  skipUnlessAvailable,
  startCodeServer,
  waitForNotification,
  waitForStatusBarItem,
  type CodeServerHandle,
  type Workbench,
} from './harness/codeServer';
import {
  budgetItemClass,
  findInLogs,
  focusedCell,
  matrixCell,
  matrixFrame,
  openSwarmView,
  treeTexts,
  waitForRowText,
} from './s2Page';
import { seedSwarm, SeededSwarm } from './seedSwarm';

describe('e2e: the S² extension in code-server', function () {
  this.timeout(120_000);
  let scratch = '';
  let seeded: SeededSwarm | undefined;
  let server: CodeServerHandle | undefined;
  let wb: Workbench | undefined;
  let page: Page;
  const metrics: Record<string, number | string> = {};

  before(async function () {
    skipUnlessAvailable(this);
    this.timeout(240_000);
    const bundle = path.join(REPO_ROOT, 'dist', 'extension.js');
    assert.ok(fs.existsSync(bundle), 'dist/extension.js is missing: run npm run build');
    metrics['bundleBytes'] = fs.statSync(bundle).size;
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 's2-ext-e2e-'));
    const vsix = packageExtension(REPO_ROOT, path.join(scratch, 's2.vsix'));
    metrics['vsixBytes'] = fs.statSync(vsix).size;
    seeded = await seedSwarm({ deadlock: true });
    server = await startCodeServer({ workspace: seeded.workspace, vsixPath: vsix, env: { S2_HOME: seeded.home } });
    wb = await openWorkbench(server);
    page = wb.page;
    metrics['workbenchRenderMs'] = wb.renderMs;
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !wb) return;
    const name = `ext-failure-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`;
    await screenshot(page, name).catch(() => undefined);
    saveArtifact(`${name}-browser.log`, wb.consoleLog());
    if (server) saveArtifact(`${name}-code-server.log`, server.log());
  });

  after(async function () {
    this.timeout(60_000);
    if (server) {
      const line = findInLogs(server.userDataDir, /S² activated in [\d.]+ ms/);
      if (line) metrics['activationMs'] = Number(/([\d.]+) ms/.exec(line)![1]);
    }
    if (Object.keys(metrics).length)
      saveArtifact('extension-e2e-metrics.json', `${JSON.stringify(metrics, null, 2)}\n`);
    console.log(`      metrics: ${JSON.stringify(metrics)}`);
    await wb?.close();
    await server?.stop();
    seeded?.fixture.cleanup();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    const leaked = [...findProcesses('s2-code-server-'), ...findProcesses('--s2-e2e-tag=')];
    assert.deepEqual(leaked, [], `leaked processes: ${JSON.stringify(leaked)}`);
  });

  it('shows the Swarm tree: sessions with state, phase and budget; the top blocker marked', async () => {
    const toast = await waitForNotification(page, /You are blocked by sip:4/, 60_000);
    assert.match(toast, /Help Blocker/);
    await openSwarmView(page);
    const me = await waitForRowText(page, 'webrtc', /phase 3\/10 · \$12\.30 of \$20/);
    assert.match(me, /this workspace/);
    assert.match(await waitForRowText(page, 'sip', /top blocker/), /phase 4\/10 · \$15\.10 of \$20/);
    const rows = await treeTexts(page);
    assert.ok(
      rows.some((r) => /Signalling bridge.*blocked by sip:4/.test(r)),
      `webrtc:3 is blocked by sip:4 in ${JSON.stringify(rows)}`,
    );
    assert.ok(
      rows.some((r) => /SIP trunk registration.*in progress/.test(r)),
      'sip:4 is in progress',
    );
    for (const s of ['ndi', 'h323', 'cli', 'talent', 'bus'])
      assert.ok(
        rows.some((r) => r.startsWith(s)),
        `row for ${s}`,
      );
    await screenshot(page, 'ext-1-swarm-tree');
  });

  it('alerts within seconds when another session starts waiting on this one', async () => {
    const t0 = Date.now();
    const r = await seeded!.fixture.cli('talent', [
      'block',
      '--on',
      'webrtc:3',
      '--reason',
      'needs the WebRTC media path',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const toast = await waitForNotification(page, /You block 1 session\(s\): talent/, 30_000);
    metrics['alertLatencyMs'] = Date.now() - t0;
    assert.match(toast, /Open Matrix/);
    assert.ok((await page.locator('.notifications-toasts .notification-toast').count()) <= 4, 'no storm of toasts');
    await waitForRowText(page, 'talent', /phase 1\/10/);
    await screenshot(page, 'ext-2-blocker-alert');
  });

  it('runs "S2: Help Blocker" from the palette and shows the claim in the tree and in git', async () => {
    await runCommand(page, 'S2: Help Blocker');
    await waitForNotification(page, /webrtc helps sip:4/, 30_000);
    await waitForRowText(page, 'webrtc', /helping sip:4/);
    const status = git(seeded!.fixture.coord, 'show', 's2/sessions/webrtc:.s2/sessions/webrtc/status.yaml');
    assert.match(status, /helping:\s*\n\s+session: sip\s*\n\s+phase: 4/);
    await screenshot(page, 'ext-3-help-blocker');
  });

  it('opens the Dependency Matrix: coloured cells, links to blockers, cycles, keyboard, restore', async () => {
    await runCommand(page, 'S2: Show Dependency Matrix');
    const cell = matrixCell(page, 'webrtc:3');
    await cell.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await cell.getAttribute('data-state'), 'blocked');
    assert.match((await cell.textContent()) ?? '', /→ sip:4/);
    assert.match((await matrixCell(page, 'sip:4').getAttribute('class')) ?? '', /awaited/);
    assert.match((await matrixCell(page, 'ndi:3').getAttribute('class')) ?? '', /cycle/);
    assert.equal(await matrixFrame(page).locator('tbody tr').count(), 7);
    assert.match((await matrixFrame(page).locator('#deadlocks').textContent()) ?? '', /Deadlock bus ↔ ndi/);
    await matrixCell(page, 'webrtc:1').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedCell(page), 'webrtc:3');
    await page.keyboard.press('b');
    assert.equal(await focusedCell(page), 'sip:4');
    await screenshot(page, 'ext-4-matrix');
    await page.keyboard.press('Enter');
    await page
      .locator('.tabs-container .tab')
      .filter({ hasText: 'phase-4.md' })
      .waitFor({ state: 'visible', timeout: 20_000 });
    await runCommand(page, 'S2: Show Dependency Matrix');
    await matrixFrame(page)
      .locator('td[data-ref="sip:4"][tabindex="0"]')
      .waitFor({ state: 'attached', timeout: 20_000 });
  });

  it("shows this session's budget in the status bar and follows reported spend", async () => {
    await waitForStatusBarItem(page, 'S² webrtc 62%');
    assert.doesNotMatch(await budgetItemClass(page), /warning-kind|error-kind/);
    assert.equal((await seeded!.fixture.cli('webrtc', ['spend', '4.00', '--model', 'claude-opus-4'])).code, 0);
    await waitForStatusBarItem(page, 'S² webrtc 82%', 30_000);
    assert.match(await budgetItemClass(page), /warning-kind/);
    await waitForNotification(page, /Budget 82%/, 30_000);
    await screenshot(page, 'ext-5-budget-warning');
    assert.equal((await seeded!.fixture.cli('webrtc', ['spend', '4.00', '--model', 'gpt-5'])).code, 0);
    await waitForStatusBarItem(page, 'S² webrtc 102%', 30_000);
    assert.match(await budgetItemClass(page), /error-kind/);
    await page
      .locator('.statusbar-item')
      .filter({ hasText: /S² webrtc/ })
      .first()
      .click();
    const pick = page.locator('.quick-input-widget');
    await pick.locator('.monaco-list-row', { hasText: 'claude-opus-4' }).waitFor({ state: 'visible', timeout: 20_000 });
    assert.match((await pick.textContent()) ?? '', /swarm total: \$39\.60 of \$140\.00/);
    await screenshot(page, 'ext-6-budget-by-model');
    await page.keyboard.press('Escape');
  });
});
