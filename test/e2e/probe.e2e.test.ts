/**
 * Proves the code-server harness with a throwaway probe extension
 * (test/e2e/fixtures/probe-extension): UI through Chromium, and a mocha suite in the extension host.
 *
 * Skips when code-server/Chromium are missing (run `bash scripts/install-code-server.sh`, and as
 * root `bash scripts/install-system-deps.sh`), but FAILS instead when CI=true or S2_REQUIRE_E2E=1.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openWorkbench, type Workbench } from './harness/browser';
import { runExtensionTests } from './harness/extensionHost';
import { REPO_ROOT, saveArtifact, skipUnlessAvailable } from './harness/locations';
import { packageExtension } from './harness/packaging';
import { leakedProcesses, makeTempDir, removeTempDir, saveTrace, trace } from './harness/processes';
import { type CodeServerHandle, startCodeServer } from './harness/server';
import { runCommand, screenshot, waitForNotification, waitForStatusBarItem } from './harness/workbenchUi';

// Sources, not out/: the fixture is plain JavaScript and is not compiled.
const PROBE = path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'probe-extension');

describe('e2e harness: probe extension in code-server', function () {
  this.timeout(180_000);

  let scratch = '';
  let workspace = '';

  before(function () {
    skipUnlessAvailable(this);
    scratch = makeTempDir('s2-probe-e2e-');
    workspace = path.join(scratch, 'workspace');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'README.md'), '# probe workspace\n');
  });

  after(function () {
    if (!scratch) return; // skipped
    removeTempDir(scratch);
    saveTrace('probe-e2e-trace.log');
  });

  afterEach(function () {
    // Nothing this test started may still run (stop()/close() ran in finally blocks).
    const leaked = leakedProcesses();
    assert.deepEqual(leaked, [], `leaked processes: ${JSON.stringify(leaked)}`);
  });

  it('installs the packaged probe, runs its command from the palette, shows notification and status bar', async function () {
    const vsix = packageExtension(PROBE, path.join(scratch, 'probe.vsix'));
    let server: CodeServerHandle | undefined;
    let wb: Workbench | undefined;
    try {
      server = await startCodeServer({ workspace, vsixPath: vsix });
      wb = await openWorkbench(server);
      const { page } = wb;
      console.log(`      code-server listened after ${server.startMs} ms; workbench rendered after ${wb.renderMs} ms`);

      // onStartupFinished activation shows the item without any user action.
      const before = await waitForStatusBarItem(page, 'S2 Probe ready', 60_000);
      assert.match(before, /S2 Probe ready/);
      trace('status bar item visible');

      await runCommand(page, 'S2 Probe: Say Hello');
      const toast = await waitForNotification(page, 'S2 probe says hello #1');
      assert.match(toast, /S2 probe says hello #1/);
      const afterText = await waitForStatusBarItem(page, 'S2 Probe: 1 hello');
      assert.match(afterText, /S2 Probe: 1 hello/);
      trace('notification and status bar text verified');

      const shot = await screenshot(page, 'probe-after-hello');
      assert.ok(fs.statSync(shot).size > 1000, `screenshot written: ${shot}`);
    } catch (e) {
      if (wb) {
        await screenshot(wb.page, 'probe-failure').catch(() => undefined);
        saveArtifact('probe-failure-browser.log', wb.consoleLog());
      }
      if (server) saveArtifact('probe-failure-code-server.log', server.log());
      throw e;
    } finally {
      if (wb) await wb.close();
      if (server) await server.stop();
    }
  });

  it('runs a mocha suite inside the extension host and reports exit code 0', async function () {
    const result = await runExtensionTests({
      workspace,
      extensionPath: PROBE,
      testsModule: 'test/index.js',
      env: { S2_PROBE_MARKER: 'from-harness', S2_PROBE_WORKSPACE: workspace },
      timeoutMs: 150_000,
    });
    console.log(
      `      extension-host run: exit ${result.exitCode}, code-server ${result.timings.startMs} ms, ` +
        `render ${result.timings.renderMs} ms, total ${result.timings.totalMs} ms`,
    );
    if (result.exitCode !== 0) saveArtifact('probe-exthost.log', result.log);
    assert.equal(result.exitCode, 0, `extension-host log:\n${result.log}`);
    assert.match(result.log, /registers s2Probe\.hello/);
    assert.match(result.log, /3 passing/);
  });

  it('reports a failing extension-host suite as exit code 1', async function () {
    const result = await runExtensionTests({
      workspace,
      extensionPath: PROBE,
      testsModule: 'test/index.js',
      env: { S2_PROBE_MARKER: 'from-harness', S2_PROBE_WORKSPACE: workspace, S2_PROBE_FAIL: '1' },
      timeoutMs: 150_000,
    });
    assert.equal(result.exitCode, 1, `extension-host log:\n${result.log}`);
    assert.match(result.log, /deliberate failure/);
  });
});
