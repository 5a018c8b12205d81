import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RecordWriter } from '../../src/git/recordWriter';
import { openRepo } from '../../src/git/repoContext';
import { SnapshotReader } from '../../src/git/snapshotReader';
import { SwarmFixture, simpleManifest, git } from '../helpers/gitFixture';

describe('bad input gets one clear error and loses nothing', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('a manifest with a YAML syntax error names the file and line', async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b']));
    writeFileSync(path.join(f.coord, '.s2/swarm.yaml'), 'swarm: x\nsessions:\n  a: [unclosed\n');
    git(f.coord, 'commit', '-qam', 'break the manifest');
    // The approved manifest stays in effect (docs/TRUST.md); the broken one is reported with its line.
    const r = await f.cli('a', ['validate']);
    assert.equal(r.code, 1);
    const v = r.json().violations.find((x: { code: string }) => x.code === 'MANIFEST_UNAPPROVED');
    assert.match(v.message, /\.s2\/swarm\.yaml:\d+: YAML syntax error/);
  });

  it('a manifest that fails its schema names the field and line', async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b']));
    writeFileSync(
      path.join(f.coord, '.s2/swarm.yaml'),
      'swarm: x\nsessions:\n  a:\n    budgetUsd: lots\n  b:\n    phases:\n      2: { needs: [zzz:1] }\n',
    );
    git(f.coord, 'commit', '-qam', 'bad manifest');
    const r = await f.cli('a', ['validate']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\.s2\/swarm\.yaml:4: sessions\.a\.budgetUsd: Expected number/);
  });

  it('a need on an unknown session is refused with its line', async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b']));
    writeFileSync(
      path.join(f.coord, '.s2/swarm.yaml'),
      'swarm: x\nsessions:\n  a: {}\n  b:\n    phases:\n      2: { needs: [zzz:1] }\n',
    );
    git(f.coord, 'commit', '-qam', 'bad need');
    const r = await f.cli('a', ['validate']);
    assert.equal(r.code, 1);
    assert.match(
      r.json().violations.find((x: { code: string }) => x.code === 'MANIFEST_UNAPPROVED').message,
      /swarm\.yaml:6: sessions\.b\.phases\.2\.needs\.0: needs zzz:1, but there is no session "zzz"/,
    );
  });

  it('a missing manifest says how to create one', async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b']));
    const bare = path.join(f.root, 'empty');
    mkdirSync(bare);
    git(bare, 'init', '-q', '-b', 'main');
    git(bare, 'commit', '-q', '--allow-empty', '-m', 'root');
    const r = await f.cliAt(bare, null, ['status']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.s2\/swarm\.yaml is not on the coordination branch.*s2 init/);
    const notRepo = await f.cliAt(f.root, null, ['status']);
    assert.equal(notRepo.code, 2);
    assert.match(notRepo.stderr, /is not inside a git repository/);
  });

  it('a record that fails its schema is a violation naming the file; the other records still count', async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b']));
    assert.equal((await f.cli('a', ['spend', '2'])).code, 0);
    const ctx = await openRepo(f.dir('a'));
    await new RecordWriter(ctx, new SnapshotReader(ctx, { me: 'a' })).write('s2/sessions/a', '.s2/sessions/a/', () => ({
      files: { '.s2/sessions/a/status.yaml': 'kind: status\nsession: a\nseq: "x"\n' },
      message: 'garbage',
    }));
    const view = await f.status();
    const v = view.violations.find((x: { code: string }) => x.code === 'RECORD_INVALID');
    assert.ok(v, JSON.stringify(view.violations));
    assert.match(v.message, /\.s2\/sessions\/a\/status\.yaml/);
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'a').spendUsd, 2, 'the ledger still counts');
  });

  it('a missing private key names where it is expected', async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b']));
    const r = await f.cli('a', ['heartbeat'], { S2_HOME: path.join(f.root, 'nowhere') });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no private key for a in swarm test: expected .*nowhere\/keys\/test\/a\.key/);
  });

  it('an unreachable remote keeps the record committed locally and pushes it with the next write', async () => {
    f = await SwarmFixture.create('remote', simpleManifest(['a', 'b']));
    const d = f.dir('a');
    git(d, 'remote', 'set-url', 'origin', path.join(f.root, 'gone.git'));
    const r = await f.cli('a', ['spend', '3']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: could not reach origin.*committed locally/);
    assert.equal(git(d, 'show', 'refs/heads/s2/sessions/a:.s2/sessions/a/ledger.jsonl').split('\n').length, 1);
    git(d, 'remote', 'set-url', 'origin', f.bare!);
    assert.equal((await f.cli('a', ['spend', '4'])).code, 0);
    const view = await f.status('b');
    assert.equal(
      view.sessions.find((s: { id: string }) => s.id === 'a').spendUsd,
      7,
      'both records reached the remote',
    );
  });

  it('a push rejected forever is an error that keeps our commits and never forces', async () => {
    f = await SwarmFixture.create('remote', simpleManifest(['a', 'b']));
    assert.equal((await f.cli('a', ['spend', '1'])).code, 0);
    // Someone else moves a's branch on the remote to a line that does not contain ours.
    const other = path.join(f.root, 'intruder');
    git(f.root, 'clone', '-q', f.bare!, other);
    git(other, 'checkout', '-q', '--orphan', 'x');
    git(other, 'commit', '-q', '--allow-empty', '-m', 'intruder');
    git(other, 'push', '-q', '--force', 'origin', 'HEAD:refs/heads/s2/sessions/a');
    const r = await f.cli('a', ['spend', '2']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /rejected .* Nothing was force-pushed; our commits are kept on refs\/heads\/s2\/sessions\/a/,
    );
    const ledger = git(f.dir('a'), 'show', 'refs/heads/s2/sessions/a:.s2/sessions/a/ledger.jsonl').split('\n');
    assert.equal(ledger.length, 2, 'both spends are still in the local branch');
    assert.equal(
      git(f.bare!, 'log', '--format=%s', '-1', 's2/sessions/a'),
      'intruder',
      'the remote was not overwritten',
    );
  });
});
