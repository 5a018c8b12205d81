import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRepo, openRepoByGit } from '../../src/git/repoContext';
import { repoFromFiles } from '../../src/git/repoFromFiles';

/**
 * Every command starts by asking where it runs. openRepo reads that from the repository's
 * files and must answer exactly as git does (`git rev-parse`, `git remote`), or not at all: in
 * each case below the file answer is compared with git's, in real repositories.
 */
describe('where a command runs, read from the files as git would see it', function () {
  this.timeout(60_000);
  let root: string;
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ HOME: root, ...extra });

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 's2-repo-files-'));
    git(root, 'init', '-q', '-b', 'main', 'repo');
    const repo = path.join(root, 'repo');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'one');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function same(dir: string): Promise<void> {
    assert.ok(await repoFromFiles(dir, env()), `read from the files in ${dir}`);
    assert.deepEqual(await openRepo(dir), await openRepoByGit(dir));
  }

  it('a repository, from its top and from a sub-folder', async () => {
    const repo = path.join(root, 'repo');
    mkdirSync(path.join(repo, 'a', 'b'), { recursive: true });
    await same(repo);
    await same(path.join(repo, 'a', 'b'));
  });

  it('a linked worktree, on its own branch and detached', async () => {
    const repo = path.join(root, 'repo');
    git(repo, 'worktree', 'add', '-q', '-b', 's2/work/a', path.join(root, 'wt'));
    await same(path.join(root, 'wt'));
    git(path.join(root, 'wt'), 'checkout', '-q', '--detach');
    await same(path.join(root, 'wt'));
  });

  it('remotes: origin first, else the first in git order; none', async () => {
    const repo = path.join(root, 'repo');
    await same(repo);
    git(repo, 'remote', 'add', 'zeta', '/nowhere/z');
    git(repo, 'remote', 'add', 'alpha', '/nowhere/a');
    await same(repo);
    assert.equal((await openRepo(repo)).remote, 'alpha');
    git(repo, 'remote', 'add', 'origin', '/nowhere/o');
    await same(repo);
  });

  it('a path through a symbolic link gives the real top folder, as git prints it', async () => {
    symlinkSync(path.join(root, 'repo'), path.join(root, 'link'));
    await same(path.join(root, 'link'));
  });

  it('leaves to git what it cannot be sure of', async () => {
    const repo = path.join(root, 'repo');
    assert.equal(await repoFromFiles(repo, env({ GIT_DIR: path.join(repo, '.git') })), null, 'GIT_DIR');
    assert.equal(await repoFromFiles(path.join(repo, '.git'), env()), null, 'inside the git dir');
    writeFileSync(path.join(root, '.gitconfig'), '[remote "elsewhere"]\n\turl = /x\n');
    assert.equal(await repoFromFiles(repo, env()), null, 'a remote in the global config');
    rmSync(path.join(root, '.gitconfig'));
    git(repo, 'config', 'include.path', '/nowhere/extra');
    assert.equal(await repoFromFiles(repo, env()), null, 'an include');
    git(repo, 'config', '--unset', 'include.path');
    assert.ok(await repoFromFiles(repo, env()));
    assert.equal(await repoFromFiles(root, env()), null, 'not a repository');
    await assert.rejects(openRepo(root), /not inside a git repository/);
  });
});
