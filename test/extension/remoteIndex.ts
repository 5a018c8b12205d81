import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * The extensionTestsPath module of the second extension-host run: a workspace that is a clone of
 * a bare remote (the topology of sessions on several machines), seeded by runTests.ts.
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'remoteApproval.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) =>
      failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve(),
    );
  });
}
