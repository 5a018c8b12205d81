import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { FIXTURE_PASSPHRASE, git, simpleManifest } from '../helpers/gitFixture';

/**
 * Configuration comes from the host (#15 item 4): an in-process `main(argv, io)` honours
 * `io.env`, never this process's environment. The coordination branch here is `plan` (neither
 * main nor master), named only in io.env: the engine finds the manifest only if it reads io.env.
 */
describe('host configuration: main(argv, io) honours io.env (#15 item 4)', function () {
  this.timeout(60_000);
  let root: string;
  let repo: string;

  async function s2(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(['--json', ...args], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env: {
        PATH: process.env['PATH'] ?? '',
        S2_HOME: path.join(root, 'home'),
        S2_APPROVER_PASSPHRASE: FIXTURE_PASSPHRASE,
        ...env,
      },
      cwd: repo,
    });
    return { code, out, err };
  }

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 's2-hostconfig-'));
    repo = path.join(root, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'plan');
    writeFileSync(path.join(repo, 'README.md'), '# product\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'root');
    writeFileSync(path.join(root, 'swarm.yaml'), simpleManifest(['a', 'b'], 2));
    const r = await s2(['init', '--manifest', path.join(root, 'swarm.yaml')], { S2_COORDINATION_BRANCH: 'plan' });
    assert.equal(r.code, 0, r.err);
    assert.equal(
      process.env['S2_COORDINATION_BRANCH'],
      undefined,
      'this test needs S2_COORDINATION_BRANCH unset in its own process',
    );
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds the manifest on the coordination branch named in io.env, not only main or master', async () => {
    const r = await s2(['status'], { S2_COORDINATION_BRANCH: 'plan' });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      (JSON.parse(r.out) as { sessions: { id: string }[] }).sessions.map((s) => s.id),
      ['a', 'b'],
    );
  });

  it('without it in io.env the same repository has no coordination branch (exit 2, says what to set)', async () => {
    const r = await s2(['status'], {});
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, /no coordination branch \(tried main, master\).*S2_COORDINATION_BRANCH/);
  });
});
