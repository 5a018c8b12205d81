import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * The extensionTestsPath module: runs the extension-host suite with mocha, the same for
 * @vscode/test-electron (a desktop VS Code) and for code-server (test/e2e/harness).
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.test.js'));
  // After extension.test.js: it continues from the state those tests leave (webrtc helps sip:4).
  mocha.addFile(path.join(__dirname, 'editorActions.test.js'));
  // Last: it compares each tool with the CLI on whatever state the tests before it left.
  mocha.addFile(path.join(__dirname, 'lmTools.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) =>
      failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve(),
    );
  });
}
