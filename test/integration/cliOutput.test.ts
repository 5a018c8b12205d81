import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { simpleManifest, SwarmFixture } from '../helpers/gitFixture';

/**
 * Issue #20 item 10: `s2 --json status` piped into a slow reader must arrive whole. The
 * built CLI used to call process.exit() before stdout drained, cutting piped output at the
 * pipe's 64 KiB. Needs `npm run build` (dist/cli.js).
 */
describe('CLI output through a pipe (built dist/cli.js)', function () {
  this.timeout(180_000);
  let f: SwarmFixture;
  const ids = Array.from({ length: 30 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
  before(async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(ids, 10));
  });
  after(() => f.cleanup());

  it('delivers every byte of a --json status over 64 KiB to a reader that starts late', async () => {
    const whole = await f.cli('s01', ['status']);
    assert.equal(whole.code, 0, whole.stderr);
    const expected = Buffer.byteLength(whole.stdout);
    assert.ok(expected > 65_536, `the view must be larger than a pipe buffer (${expected} bytes)`);
    const cli = path.resolve(__dirname, '../../../dist/cli.js');
    const piped = execFileSync('bash', ['-c', `node ${JSON.stringify(cli)} --json status | (sleep 1; cat)`], {
      cwd: f.dir('s01'),
      env: { ...process.env, S2_HOME: f.home, S2_SESSION: 's01' },
      maxBuffer: 1 << 26,
    });
    assert.equal(piped.length, expected, 'every byte arrives');
    assert.equal(JSON.parse(piped.toString('utf8')).sessions.length, 30);
  });
});
