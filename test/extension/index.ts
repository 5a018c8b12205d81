import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * The extensionTestsPath module: runs the extension-host suite with mocha, the same for
 * @vscode/test-electron (a desktop VS Code) and for code-server (test/e2e/harness).
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.test.js'));
  // Next: it needs the seeded blocker (sip:4 blocks webrtc) and webrtc's phase-3 instruction,
  // and leaves webrtc helping sip, as extension.test.js does.
  mocha.addFile(path.join(__dirname, 'lmTools.test.js'));
  // Last: it continues from that state (webrtc helps sip:4), then completes sip:4.
  mocha.addFile(path.join(__dirname, 'editorActions.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) =>
      failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve(),
    );
  });
}
