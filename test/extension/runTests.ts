import * as path from 'node:path';
import { runExtensionTests } from '../e2e/harness/extensionHost';
import { codeServerAvailable, e2eRequired, REPO_ROOT } from '../e2e/harness/locations';
import { seedManifest, seedSwarm } from '../e2e/seedSwarm';
import { SwarmFixture } from '../helpers/gitFixture';

/**
 * `npm run test:extension`: the extension-host suite (test/extension/*.test.ts) against a
 * seeded swarm. @vscode/test-electron needs a desktop VS Code, and this machine cannot
 * download one: give it a local build with S2_VSCODE_EXECUTABLE (or VSCODE_EXECUTABLE_PATH).
 * Without one, the same suite runs in code-server's extension host when code-server and
 * Chromium are installed; with neither, it is skipped with the reason (failed when CI=true
 * or S2_REQUIRE_E2E=1).
 */
async function main(): Promise<number> {
  const executable = process.env['S2_VSCODE_EXECUTABLE'] ?? process.env['VSCODE_EXECUTABLE_PATH'];
  const cs = codeServerAvailable();
  if (!executable && !cs.ok) {
    const why = `extension-host tests skipped: no local VS Code (set S2_VSCODE_EXECUTABLE to a VS Code binary; @vscode/test-electron cannot download one here) and no code-server (${cs.why})`;
    console.warn(why);
    return e2eRequired() ? 1 : 0;
  }
  const seeded = await seedSwarm();
  const env = { S2_HOME: seeded.home, S2_EXT_TEST: '1' };
  const testsModule = path.join(REPO_ROOT, 'out', 'test', 'extension', 'index.js');
  try {
    if (executable) {
      const { runTests } = await import('@vscode/test-electron');
      console.log(`running the extension-host tests in ${executable}`);
      return await runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: testsModule,
        launchArgs: [seeded.workspace, '--disable-extensions', '--disable-workspace-trust'],
        extensionTestsEnv: env,
      });
    }
    console.log('no local VS Code (S2_VSCODE_EXECUTABLE): running the extension-host tests in code-server');
    const r = await runExtensionTests({
      workspace: seeded.workspace,
      extensionPath: REPO_ROOT,
      testsModule,
      env,
      echo: true,
      timeoutMs: 180_000,
    });
    console.log(
      `code-server ${r.timings.startMs} ms, workbench ${r.timings.renderMs} ms, total ${r.timings.totalMs} ms`,
    );
    // Both runs always: a failure in the first must not hide the second's result.
    const remote = await runRemoteSuite();
    return r.exitCode || remote;
  } finally {
    seeded.fixture.cleanup();
  }
}

/** The second run: webrtc's clone of a bare remote (test/extension/remoteIndex.ts), in code-server. */
async function runRemoteSuite(): Promise<number> {
  const f = await SwarmFixture.create('remote', seedManifest());
  try {
    const r = await runExtensionTests({
      workspace: f.dir('webrtc'),
      extensionPath: REPO_ROOT,
      testsModule: path.join(REPO_ROOT, 'out', 'test', 'extension', 'remoteIndex.js'),
      env: { S2_HOME: f.home, S2_EXT_TEST: '1' },
      echo: true,
      timeoutMs: 120_000,
    });
    return r.exitCode;
  } finally {
    f.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
