import * as assert from 'node:assert/strict';
import { S2Error } from '../../src/core/errors';
import { gitError } from '../../src/git/parsers/gitError';
import { parseLsRemote, remoteBranches } from '../../src/git/parsers/lsRemote';
import { parseLsTree } from '../../src/git/parsers/lsTree';
import { parseMergeTree } from '../../src/git/parsers/mergeTree';
import { parseWorktreeList } from '../../src/git/parsers/worktreeList';
import type { GitResult } from '../../src/git/gitProcess';
import { mergeTree } from '../../src/git/tasks/mergeTreeTask';
import { commitOf, currentBranch, fullRefName, topLevel, unstage } from '../../src/git/tasks/refTasks';
import { fetchRemote, lsRemoteHeads, remoteNames } from '../../src/git/tasks/remoteTasks';
import { filesOfCommit } from '../../src/git/tasks/treeTasks';
import { worktreeAdd, worktreeList, worktreeRemove } from '../../src/git/tasks/worktreeTasks';

/** src/git's argv builders and parsers (#15 item 3), without git: fixed outputs in, data out. */
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const res = (stdout: string, code = 0, stderr = ''): GitResult => ({ code, stdout, stderr });

describe('git parsers (pure)', () => {
  it('ls-remote: oid and ref per line; other shapes skipped', () => {
    const out = `${A}\trefs/heads/main\n${B}\trefs/heads/s2/sessions/a\n${A}\tHEAD\nwarning: redirecting\n\n${B}\trefs/tags/v1\n`;
    assert.deepEqual(parseLsRemote(out), [
      { oid: A, ref: 'refs/heads/main' },
      { oid: B, ref: 'refs/heads/s2/sessions/a' },
      { oid: A, ref: 'HEAD' },
      { oid: B, ref: 'refs/tags/v1' },
    ]);
    assert.deepEqual(remoteBranches(parseLsRemote(out)), [
      { branch: 'main', oid: A },
      { branch: 's2/sessions/a', oid: B },
    ]);
    assert.deepEqual(parseLsRemote(''), []);
  });

  it('worktree list --porcelain: stanzas, branch, detached, bare, locked, prunable; unknown keys ignored', () => {
    const out = [
      'worktree /repo',
      `HEAD ${A}`,
      'branch refs/heads/main',
      '',
      'worktree /tmp/s2-verify-123-abc',
      `HEAD ${B}`,
      'detached',
      'locked reason here',
      'some-future-key value',
      '',
      'worktree /srv/bare.git',
      'bare',
      '',
      'worktree /gone',
      `HEAD ${A}`,
      'branch refs/heads/s2/work/a',
      'prunable gitdir file points to non-existent location',
      '',
    ].join('\n');
    assert.deepEqual(parseWorktreeList(out), [
      { path: '/repo', head: A, branch: 'main', detached: false, bare: false, locked: false, prunable: false },
      {
        path: '/tmp/s2-verify-123-abc',
        head: B,
        branch: null,
        detached: true,
        bare: false,
        locked: true,
        prunable: false,
      },
      { path: '/srv/bare.git', head: null, branch: null, detached: false, bare: true, locked: false, prunable: false },
      { path: '/gone', head: A, branch: 's2/work/a', detached: false, bare: false, locked: false, prunable: true },
    ]);
    assert.deepEqual(parseWorktreeList('worktree /with space/dir\n'), [
      {
        path: '/with space/dir',
        head: null,
        branch: null,
        detached: false,
        bare: false,
        locked: false,
        prunable: false,
      },
    ]);
  });

  it('merge-tree: clean tree, or the conflicted paths (newline or NUL)', () => {
    assert.deepEqual(parseMergeTree(`${A}\n`, 0, false), { clean: true, tree: A });
    assert.deepEqual(parseMergeTree(`${A}\na.txt\ndir/b.txt\n`, 1, false), {
      clean: false,
      tree: A,
      conflicts: ['a.txt', 'dir/b.txt'],
    });
    assert.deepEqual(parseMergeTree(`${A}\0a\nb.txt\0c.txt\0`, 1, true), {
      clean: false,
      tree: A,
      conflicts: ['a\nb.txt', 'c.txt'],
    });
  });

  it('ls-tree -z: mode, type, oid, path (tabs and newlines in paths kept)', () => {
    assert.deepEqual(parseLsTree(`100644 blob ${A}\ta.md\x00040000 tree ${B}\td\x00100644 blob ${B}\tx\ty\nz\x00`), [
      { mode: '100644', type: 'blob', oid: A, path: 'a.md' },
      { mode: '040000', type: 'tree', oid: B, path: 'd' },
      { mode: '100644', type: 'blob', oid: B, path: 'x\ty\nz' },
    ]);
  });

  it('a failed command becomes a typed error that keeps git’s words', () => {
    const table: [string, number, string, string][] = [
      [
        'fatal: not a git repository (or any of the parent directories): .git',
        128,
        'NOT_A_REPO',
        'not a git repository',
      ],
      ["fatal: 'gone' does not appear to be a git repository", 128, 'REMOTE_UNREACHABLE', 'gone'],
      ['fatal: unable to access https://x/: Could not resolve host: x', 128, 'REMOTE_UNREACHABLE', 'resolve host'],
      ['', 128, 'TIMEOUT', 'timed out'],
      ['error: pathspec nope did not match', 1, 'GIT_FAILED', 'pathspec nope'],
    ];
    for (const [stderr, code, want, words] of table) {
      const e = gitError(['fetch', 'gone'], code, stderr);
      assert.ok(e instanceof S2Error);
      assert.equal(e.code, want, stderr);
      assert.ok(e.message.includes(words), e.message);
      assert.deepEqual(e.data['args'], ['fetch', 'gone']);
    }
  });
});

describe('git tasks: argv and exit codes (pure)', () => {
  it('build the argv the store runs', () => {
    assert.deepEqual(worktreeAdd('/t/d', A).args, ['worktree', 'add', '--detach', '--quiet', '/t/d', A]);
    assert.deepEqual(worktreeRemove('/t/d').args, ['worktree', 'remove', '--force', '/t/d']);
    assert.deepEqual(worktreeList().args, ['worktree', 'list', '--porcelain']);
    assert.deepEqual(lsRemoteHeads('origin').args, ['ls-remote', '--heads', 'origin']);
    assert.deepEqual(fetchRemote('origin').args, ['fetch', '--quiet', 'origin']);
    assert.deepEqual(mergeTree(A, B).args, ['merge-tree', '--write-tree', '--name-only', '--no-messages', A, B]);
    assert.deepEqual(mergeTree(A, B, { nul: true }).args.slice(-3), ['-z', A, B]);
    assert.deepEqual(commitOf('main').args, ['rev-parse', '--verify', '--quiet', 'main^{commit}']);
    assert.deepEqual(filesOfCommit('main').args, ['ls-tree', '-r', '-z', '--full-tree', 'main^{commit}']);
    assert.deepEqual(unstage(['.s2/swarm.yaml']).args, ['reset', '-q', '--', '.s2/swarm.yaml']);
  });

  it('network commands are bounded; their failures are answers, not exceptions', () => {
    assert.ok((fetchRemote('o').timeoutMs ?? 0) > 0);
    assert.ok((lsRemoteHeads('o').timeoutMs ?? 0) > 0);
    assert.equal(fetchRemote('o').okCodes, 'any');
    assert.deepEqual(fetchRemote('o').parse(res('', 128, 'fatal: x')), { ok: false, stderr: 'fatal: x' });
    assert.equal(lsRemoteHeads('o').parse(res('', 128)), null);
    assert.deepEqual(lsRemoteHeads('o').parse(res(`${A}\trefs/heads/main\n`)), [{ oid: A, ref: 'refs/heads/main' }]);
  });

  it('read the answers of rev-parse, symbolic-ref and remote', () => {
    assert.equal(commitOf('x').parse(res('', 1)), null);
    assert.equal(commitOf('x').parse(res(`${A}\n`)), A);
    assert.equal(fullRefName('main').parse(res('refs/heads/main\n')), 'refs/heads/main');
    assert.equal(fullRefName(A).parse(res('\n')), A);
    assert.equal(currentBranch().parse(res('', 1)), null);
    assert.equal(currentBranch().parse(res('main\n')), 'main');
    assert.deepEqual(topLevel().parse(res('', 128, 'fatal: not a git repository\n')), {
      error: 'fatal: not a git repository',
    });
    assert.deepEqual(remoteNames().parse(res('origin\nupstream\n')), ['origin', 'upstream']);
    assert.deepEqual(mergeTree(A, B).okCodes, [1]);
  });
});
