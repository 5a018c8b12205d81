import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { keyPath } from '../../src/git/keyStore';
import { git, SwarmFixture } from '../helpers/gitFixture';

/**
 * The manifest as the root of trust, on real git: a plain commit to .s2/swarm.yaml changes
 * nothing until an approver of the manifest in effect signs it; rewinds are reported; nobody
 * approves their own raise.
 */
const MANIFEST = `swarm: test
approvers:
  owner:
    title: owner
  a:
    title: a is also a session
sessions:
  a:
    budgetUsd: 20
    phaseCount: 2
  b:
    phaseCount: 2
`;

type Violation = { code: string; session: string; message: string };

function editManifest(f: SwarmFixture, edit: (text: string) => string, message = 'edit manifest'): string {
  const file = path.join(f.coord, '.s2/swarm.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  git(f.coord, 'commit', '-q', '-am', message);
  return git(f.coord, 'rev-parse', 'HEAD');
}

const codes = (view: { violations: Violation[] }): string[] =>
  view.violations.map((v) => v.code).filter((c) => c !== 'APPROVER_KEY_UNPROTECTED');

describe('the manifest is the root of trust (worktree)', function () {
  this.timeout(60_000);
  let f: SwarmFixture;
  beforeEach(async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
  });
  afterEach(() => f.cleanup());

  it('an unsigned raise of a budget is reported with its commit and key, and has no effect', async () => {
    const commit = editManifest(f, (t) => t.replace('budgetUsd: 20', 'budgetUsd: 2000'));
    const view = await f.status('b');
    const v = view.violations.find((x: Violation) => x.code === 'MANIFEST_UNAPPROVED');
    assert.ok(v, codes(view).join(' '));
    assert.match(v.message, new RegExp(commit.slice(0, 12)));
    assert.match(v.message, /sessions\.a\.budgetUsd/);
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'a').budgetUsd, 20);
    assert.equal(view.manifest.status, 'pending');
    assert.equal((await f.cli('b', ['validate'])).code, 1);
  });

  it('s2 manifest diff shows the change key by key; approve --as owner makes it take effect', async () => {
    editManifest(f, (t) => t.replace('budgetUsd: 20', 'budgetUsd: 30'));
    const diff = await f.cli(null, ['manifest', 'diff']);
    assert.equal(diff.code, 0, diff.stderr);
    assert.deepEqual(diff.json().changes, [{ key: 'sessions.a.budgetUsd', before: 20, after: 30 }]);
    const ok = await f.cli(null, ['manifest', 'approve', '--as', 'owner']);
    assert.equal(ok.code, 0, ok.stderr);
    const view = await f.status('b');
    assert.deepEqual(codes(view), []);
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'a').budgetUsd, 30);
    assert.equal(view.manifest.chain.length, 2);
  });

  it('a session that is also an approver cannot approve a change to its own entry, nor its own budget', async () => {
    editManifest(f, (t) => t.replace('budgetUsd: 20', 'budgetUsd: 2000'));
    const self = await f.cli('a', ['manifest', 'approve', '--as', 'a']);
    assert.equal(self.code, 1);
    assert.match(self.stderr, /never approves its own change/);
    const asOwner = await f.cli('a', ['manifest', 'approve', '--as', 'owner']);
    assert.equal(asOwner.code, 1, 'running as session a, even with the owner key');
    const budget = await f.cli('b', ['approve', 'a', '--usd', '5', '--as', 'a']);
    assert.equal(budget.code, 1);
    assert.match(budget.stderr, /cannot approve its own budget/);
    const noAs = await f.cli('b', ['approve', 'a', '--usd', '5']);
    assert.equal(noAs.code, 1);
    assert.match(noAs.stderr, /--as/);
    assert.equal((await f.status('b')).sessions.find((s: { id: string }) => s.id === 'a').budgetUsd, 20);
  });

  it('an approver added by a commit, signing with its own new key, changes nothing', async () => {
    editManifest(f, (t) => t.replace('approvers:\n', 'approvers:\n  eve:\n    title: eve\n'));
    // eve is not an approver of the manifest in effect: approve is refused before any key is read.
    const r = await f.cli('b', ['manifest', 'approve', '--as', 'eve']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not an approver of the manifest in effect/);
    const view = await f.status('b');
    assert.ok(codes(view).includes('MANIFEST_UNAPPROVED'));
    assert.match(view.violations.find((v: Violation) => v.code === 'MANIFEST_UNAPPROVED').message, /approvers\.eve/);
  });

  it('a rewind of the coordination branch to an older approved manifest is reported; the newest stays', async () => {
    const before = git(f.coord, 'rev-parse', 'HEAD');
    editManifest(f, (t) => t.replace('budgetUsd: 20', 'budgetUsd: 5'));
    assert.equal((await f.cli(null, ['manifest', 'approve', '--as', 'owner'])).code, 0);
    assert.equal((await f.status('b')).sessions.find((s: { id: string }) => s.id === 'a').budgetUsd, 5);
    git(f.coord, 'reset', '-q', '--hard', before);
    const view = await f.status('b');
    assert.ok(codes(view).includes('MANIFEST_ROLLBACK'), codes(view).join(' '));
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'a').budgetUsd, 5);
  });

  it('an approver key in clear is reported by status', async () => {
    f.cleanup();
    f = await SwarmFixture.create('worktree', MANIFEST, { env: { S2_APPROVER_PASSPHRASE: '' } });
    const warn = await f.status('b');
    const unprotected = warn.violations.filter((v: Violation) => v.code === 'APPROVER_KEY_UNPROTECTED');
    assert.deepEqual(unprotected.map((v: Violation) => v.session).sort(), ['approver:a', 'approver:owner']);
    assert.match(readFileSync(keyPath('test', 'approver-owner', { S2_HOME: f.home }), 'utf8'), /BEGIN PRIVATE KEY/);
  });
});

describe('approver keys under a passphrase', function () {
  this.timeout(60_000);
  it('init encrypts the approver key; approve needs the passphrase; status does not warn', async () => {
    const f = await SwarmFixture.create('worktree', MANIFEST, { env: { S2_APPROVER_PASSPHRASE: 'correct horse' } });
    try {
      const pem = readFileSync(keyPath('test', 'approver-owner', { S2_HOME: f.home }), 'utf8');
      assert.match(pem, /BEGIN ENCRYPTED PRIVATE KEY/);
      const st = await f.status('b');
      assert.ok(!st.violations.some((v: Violation) => v.code === 'APPROVER_KEY_UNPROTECTED'));
      editManifest(f, (t) => t.replace('budgetUsd: 20', 'budgetUsd: 30'));
      const none = await f.cli(null, ['manifest', 'approve', '--as', 'owner'], { S2_APPROVER_PASSPHRASE: '' });
      assert.equal(none.code, 2);
      assert.match(none.stderr, /passphrase/);
      const wrong = await f.cli(null, ['manifest', 'approve', '--as', 'owner'], { S2_APPROVER_PASSPHRASE: 'nope' });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /wrong passphrase/);
      const file = path.join(f.root, 'pass.txt');
      writeFileSync(file, 'correct horse\n');
      const ok = await f.cli(null, ['manifest', 'approve', '--as', 'owner'], {
        S2_APPROVER_PASSPHRASE: '',
        S2_APPROVER_PASSPHRASE_FILE: file,
      });
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(codes(await f.status('b')), []);
    } finally {
      f.cleanup();
    }
  });
});

describe('the manifest is the root of trust (remote)', function () {
  this.timeout(90_000);
  it("a clone pins the genesis on first read; a pushed unsigned change has no effect on another's machine", async () => {
    const f = await SwarmFixture.create('remote', MANIFEST);
    try {
      const first = await f.status('b');
      assert.equal(first.manifest.status, 'approved');
      assert.equal(first.manifest.pinSource, 'tofu');
      const pin = JSON.parse(readFileSync(path.join(f.dir('b'), '.git/s2/trust.json'), 'utf8'));
      assert.ok(pin.approvers.owner.startsWith('ed25519:'));
      const d = f.dir('a');
      git(d, 'fetch', '-q', 'origin');
      git(d, 'checkout', '-q', '-B', 'rogue', 'origin/main');
      const file = path.join(d, '.s2/swarm.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('budgetUsd: 20', 'budgetUsd: 2000'));
      git(d, 'commit', '-q', '-am', 'raise');
      git(d, 'push', '-q', 'origin', 'HEAD:main');
      const view = await f.status('b');
      assert.ok(codes(view).includes('MANIFEST_UNAPPROVED'));
      assert.equal(view.sessions.find((s: { id: string }) => s.id === 'a').budgetUsd, 20);
      const wrongPin = await f.cli('b', ['status'], {
        S2_TRUST_FINGERPRINTS: 'ed25519:00000000000000000000000000000000',
      });
      assert.equal(wrongPin.code, 2, 'an explicit pin that matches no genesis trusts nothing');
      assert.match(wrongPin.stderr, /pinned/);
    } finally {
      f.cleanup();
    }
  });
});
