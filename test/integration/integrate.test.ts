import { strict as assert } from 'node:assert';
import { integrationPath, IntegrationRecord } from '../../src/core/integrationRecord';
import { loadPrivateKey } from '../../src/git/keyStore';
import { admit, parseYamlRecord } from '../../src/git/recordCodec';
import { RecordWriter } from '../../src/git/recordWriter';
import { openRepo } from '../../src/git/repoContext';
import { SessionStore } from '../../src/git/sessionStore';
import { SnapshotReader } from '../../src/git/snapshotReader';
import { SwarmSession } from '../../src/loop/swarmSession';
import { git, SwarmFixture, Topology } from '../helpers/gitFixture';

/**
 * The integration gate on real git: every session's latest verified completion merged in
 * manifest order, the swarm's integrate commands run on the result in a temporary worktree,
 * a signed verdict in the integrator's records, and the culprits named on failure.
 */
const MANIFEST = `swarm: test
integrate:
  - 'test ! -f broken.txt'
  - 'test ! -f client.txt || test ! -f api.txt || grep -qx "$(cat client.txt)" api.txt'
sessions:
  a:
    phaseCount: 1
  b:
    phaseCount: 1
  c:
    phaseCount: 1
  v:
    phaseCount: 1
`;

/** Complete phase 1 of `s` on top of `files`, and have v verify it. */
async function deliver(f: SwarmFixture, s: string, files: Record<string, string>): Promise<string> {
  assert.equal((await f.cli(s, ['start-phase', '1'])).code, 0);
  let commit = '';
  for (const [file, content] of Object.entries(files)) commit = f.work(s, file, content);
  const done = await f.cli(s, ['complete-phase', '1']);
  assert.equal(done.code, 0, done.stderr);
  f.fetchAll();
  const v = await f.cli('v', ['verify', `${s}:1`]);
  assert.equal(v.code, 0, `v verifies ${s}:1: ${v.stdout}${v.stderr}`);
  f.fetchAll();
  return commit;
}

function integrationWorktrees(f: SwarmFixture): string[] {
  return git(f.dir('v'), 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.includes('s2-integrate-'));
}

for (const topology of ['worktree', 'remote'] as Topology[]) {
  describe(`s2 integrate (${topology})`, function () {
    this.timeout(120_000);
    let f: SwarmFixture;
    beforeEach(async () => {
      f = await SwarmFixture.create(topology, MANIFEST);
    });
    afterEach(() => f.cleanup());

    it("passes on compatible sessions and signs the verdict into the integrator's records", async () => {
      const commits = [
        await deliver(f, 'a', { 'a.txt': 'a\n' }),
        await deliver(f, 'b', { 'b.txt': 'b\n' }),
        await deliver(f, 'c', { 'c.txt': 'c\n' }),
      ];
      const head = git(f.dir('v'), 'rev-parse', 'HEAD');
      const r = await f.cli('v', ['integrate']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const rec = r.json().integration;
      assert.equal(rec.result, 'pass');
      assert.deepEqual(rec.merged, [
        { session: 'a', phase: 1, commit: commits[0] },
        { session: 'b', phase: 1, commit: commits[1] },
        { session: 'c', phase: 1, commit: commits[2] },
      ]);
      assert.deepEqual(rec.skipped, [{ session: 'v', reason: 'no completion yet' }]);
      assert.equal(rec.commands.length, 2);
      assert.deepEqual(rec.culprits, []);
      assert.deepEqual(git(f.dir('v'), 'ls-tree', '--name-only', rec.mergeCommit).split('\n').sort(), [
        '.s2',
        'README.md',
        'a.txt',
        'b.txt',
        'c.txt',
      ]);
      // The record is on v's own records branch, signed with v's key.
      const text = git(f.dir('v'), 'show', `refs/heads/s2/sessions/v:${integrationPath('v')}`);
      const s = await SwarmSession.open({ repo: f.dir('v'), session: 'v', env: process.env });
      const plan = (await s.snapshot()).plan;
      s.dispose();
      const admitted = admit(
        IntegrationRecord,
        parseYamlRecord(text, integrationPath('v')),
        'v',
        integrationPath('v'),
        plan.sessions.find((x) => x.id === 'v')!.publicKey,
      );
      assert.ok(admitted.ok, JSON.stringify(admitted));
      // Nothing of the agent's checkout moved, and the temporary worktree is gone.
      assert.equal(git(f.dir('v'), 'rev-parse', 'HEAD'), head);
      assert.equal(git(f.dir('v'), 'status', '--porcelain'), '');
      assert.deepEqual(integrationWorktrees(f), []);
    });

    it('fails on an incompatible pair and names both sessions by bisecting the merge order', async () => {
      await deliver(f, 'a', { 'api.txt': 'v2\n' });
      await deliver(f, 'b', { 'b.txt': 'b\n' });
      await deliver(f, 'c', { 'client.txt': 'v1\n' });
      const r = await f.cli('v', ['integrate']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const rec = r.json().integration;
      assert.equal(rec.result, 'fail');
      assert.deepEqual(rec.culprits, ['a', 'c']);
      assert.match(rec.detail, /c passes alone but fails merged with a/);
      assert.ok(rec.bisect.length >= 3, JSON.stringify(rec.bisect));
      assert.deepEqual(integrationWorktrees(f), []);
    });
  });
}

describe('s2 integrate: culprits, conflicts, missing commits', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  beforeEach(async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
  });
  afterEach(() => f.cleanup());

  it('names the one session whose change fails on its own', async () => {
    await deliver(f, 'a', { 'a.txt': 'a\n' });
    await deliver(f, 'b', { 'broken.txt': 'x\n' });
    await deliver(f, 'c', { 'c.txt': 'c\n' });
    const r = await f.cli('v', ['integrate']);
    assert.equal(r.code, 1);
    assert.deepEqual(r.json().integration.culprits, ['b']);
  });

  it('reports a merge conflict between two sessions as conflict, naming both', async () => {
    await deliver(f, 'a', { 'README.md': '# product by a\n' });
    await deliver(f, 'b', { 'README.md': '# product by b\n' });
    const r = await f.cli('v', ['integrate']);
    assert.equal(r.code, 1);
    const rec = r.json().integration;
    assert.equal(rec.result, 'conflict');
    assert.equal(rec.mergeCommit, null);
    assert.deepEqual(rec.culprits, ['a', 'b']);
    assert.match(rec.detail, /README\.md/);
  });

  it('a completion that names a missing commit is skipped and listed; the others are integrated (issue #20 item 11)', async () => {
    await deliver(f, 'b', { 'b.txt': 'b\n' });
    const ctx = await openRepo(f.dir('a'));
    const store = new SessionStore(
      new RecordWriter(ctx, new SnapshotReader(ctx, { me: 'a', trackRewrites: false })),
      'a',
      await loadPrivateKey('test', 'a', { S2_HOME: f.home }),
    );
    const missing = 'deadbeef'.repeat(5);
    await store.writeCompletion(
      {
        kind: 'completion',
        session: 'a',
        phase: 1,
        commit: missing,
        completedAt: new Date().toISOString(),
        validations: [],
      },
      (st) => st,
    );
    const r = await f.cli('v', ['integrate']);
    assert.equal(r.code, 0, r.stderr);
    const rec = r.json().integration;
    assert.equal(rec.result, 'pass');
    assert.deepEqual(
      rec.merged.map((m: { session: string }) => m.session),
      ['b'],
    );
    const skippedA = rec.skipped.find((x: { session: string }) => x.session === 'a');
    assert.match(skippedA.reason, new RegExp(`a:1 names commit ${missing}, which is not in this repository`));
    assert.deepEqual(integrationWorktrees(f), []);
  });
});
