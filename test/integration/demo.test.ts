import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

/**
 * `npm run demo` is a newcomer's first command: it must keep working when the CLI's bundles or
 * the e2e harness move (it broke silently once: the small dist/cli.js entry exports no main,
 * and the harness file it loaded was split). The terminal part runs whole; the VS Code part is
 * checked for what it loads (starting code-server is the e2e suites' business).
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('npm run demo', function () {
  this.timeout(120_000);

  it('seeds the 7-session swarm and shows its status and blockers', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs')], {
      cwd: ROOT,
      env: { ...process.env, S2_DEMO_NO_VSCODE: '1' },
    });
    assert.match(stdout, /\$ s2 status/);
    assert.match(stdout, /talent waits on sip:4: the talent UI shows SIP call state/);
    assert.match(stdout, /\$ s2 blockers[\s\S]*sip\s+sip:4/);
    assert.doesNotMatch(stdout, /APPROVER_KEY_UNPROTECTED/, 'the demo encrypts its approver key');
  });

  it('finds the harness functions its VS Code part starts code-server with', () => {
    const harness = (name: string) => require(path.join(ROOT, 'out', 'test', 'e2e', 'harness', `${name}.js`));
    assert.equal(typeof harness('locations').codeServerAvailable, 'function');
    assert.equal(typeof harness('packaging').packageExtension, 'function');
    assert.equal(typeof harness('server').startCodeServer, 'function');
  });
});
