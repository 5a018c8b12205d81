import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { S2Error } from '../../src/core/errors';
import { withTempWorktree } from '../../src/git/tempWorktree';
import { git } from '../helpers/gitFixture';

/**
 * Temporary worktrees take the host's AbortSignal (#15 item 4): no process-wide SIGINT/SIGTERM
 * handler (they also ran inside the extension host), and an abort removes the worktree at once.
 */
describe('temporary worktrees: an AbortSignal, no process-wide handlers (#15 item 4)', function () {
  this.timeout(30_000);
  let root: string;
  let repo: string;
  let head: string;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 's2-tempwt-'));
    repo = path.join(root, 'repo');
    git(root, 'init', '-q', '-b', 'main', repo);
    writeFileSync(path.join(repo, 'a.txt'), 'a\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'a');
    head = git(repo, 'rev-parse', 'HEAD');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const listed = (): string[] =>
    git(repo, 'worktree', 'list', '--porcelain')
      .split('\n')
      .filter((l) => l.startsWith('worktree '))
      .slice(1);

  it('installs no SIGINT/SIGTERM listener while it runs, and removes the worktree after', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    let seen = '';
    await withTempWorktree(repo, 's2-verify-', head, async (dir) => {
      seen = dir;
      assert.ok(existsSync(path.join(dir, 'a.txt')), 'the commit is checked out');
      assert.deepEqual([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], before);
    });
    assert.equal(existsSync(seen), false);
    assert.deepEqual(listed(), []);
  });

  it('an abort removes the worktree at once, while the work in it still runs', async () => {
    const ac = new AbortController();
    let dir = '';
    let goOn: () => void = () => undefined;
    const run = withTempWorktree(
      repo,
      's2-verify-',
      head,
      async (d) => {
        dir = d;
        await new Promise<void>((r) => (goOn = r));
      },
      ac.signal,
    );
    for (let i = 0; i < 200 && !dir; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(existsSync(dir));
    ac.abort('SIGTERM');
    assert.equal(existsSync(dir), false, 'removed synchronously, before the process could exit');
    assert.deepEqual(listed(), []);
    goOn();
    await run;
  });

  it('refuses to start once aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      withTempWorktree(repo, 's2-verify-', head, async () => assert.fail('must not run'), ac.signal),
      (e: unknown) => e instanceof S2Error && e.code === 'ABORTED',
    );
  });
});
