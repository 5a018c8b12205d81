import { strict as assert } from 'node:assert';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadPrivateKey } from '../../src/git/keyStore';
import { RecordWriter } from '../../src/git/recordWriter';
import { openRepo } from '../../src/git/repoContext';
import { SessionStore } from '../../src/git/sessionStore';
import { SnapshotReader } from '../../src/git/snapshotReader';
import { git, SwarmFixture, Topology } from '../helpers/gitFixture';

/**
 * Cross-session verification on real git: a completion is checked merged with the
 * verifier's branch, in a temporary worktree, and only a verification by another session,
 * signed with its own key, lets a dependent start.
 */
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function manifest(validate: string[], timeoutSeconds = 5): string {
  return `swarm: test
sessions:
  a:
    phaseCount: 1
    phases:
      1: { validate: ${JSON.stringify(validate)}, timeoutSeconds: ${timeoutSeconds} }
  b:
    phaseCount: 2
    phases:
      1: { needs: [a:1] }
  c:
    phaseCount: 1
`;
}

/** A session store for `victim`'s branch that signs with `signer`'s key. */
async function storeAs(f: SwarmFixture, victim: string, signer: string): Promise<SessionStore> {
  const ctx = await openRepo(f.dir(victim));
  const reader = new SnapshotReader(ctx, { me: victim, trackRewrites: false });
  return new SessionStore(
    new RecordWriter(ctx, reader),
    victim,
    await loadPrivateKey('test', signer, { S2_HOME: f.home }),
  );
}

async function completeA(f: SwarmFixture): Promise<string> {
  assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
  const commit = f.work('a', 'a.txt', 'a\n');
  const done = await f.cli('a', ['complete-phase', '1']);
  assert.equal(done.code, 0, done.stdout + done.stderr);
  f.fetchAll();
  return commit;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- --json output
function phaseOf(view: any, session: string, phase: number): any {
  return view.sessions.find((s: { id: string }) => s.id === session).phases[phase - 1];
}

function worktrees(f: SwarmFixture, prefix = 's2-verify-'): string[] {
  // `git worktree list` fails while another process is half-way through adding one; ask again.
  for (let i = 0; ; i++) {
    try {
      return git(f.coord, 'worktree', 'list', '--porcelain')
        .split('\n')
        .filter((l) => l.startsWith('worktree ') && l.includes(prefix));
    } catch (e) {
      if (i >= 20) throw e;
      execFileSync('sleep', ['0.05']);
    }
  }
}

for (const topology of ['worktree', 'remote'] as Topology[]) {
  describe(`s2 verify: a completion checked merged with the dependent's branch (${topology})`, function () {
    this.timeout(120_000);
    let f: SwarmFixture;
    afterEach(() => f.cleanup());

    it("disputes a completion that passes alone but fails merged with the dependent's branch; the dependent stays blocked until a verification passes", async () => {
      f = await SwarmFixture.create(topology, manifest(['test -f a.txt', 'test ! -f old-api.txt']));
      await completeA(f);
      f.work('b', 'old-api.txt', 'b still calls the old API\n');
      f.fetchAll();
      const v = await f.cli('b', ['verify', 'a:1']);
      assert.equal(v.code, 1, v.stderr);
      assert.equal(v.json().verification.result, 'fail');
      const view = await f.status('b');
      assert.equal(phaseOf(view, 'a', 1).state, 'disputed');
      assert.equal(phaseOf(view, 'a', 1).verification, 'disputed');
      assert.ok(
        view.violations.some((x: { code: string; ref: string }) => x.code === 'COMPLETION_DISPUTED' && x.ref === 'a:1'),
        JSON.stringify(view.violations),
      );
      const refused = await f.cli('b', ['start-phase', '1']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /needs a:1: disputed/);
      git(f.dir('b'), 'rm', '-q', 'old-api.txt');
      git(f.dir('b'), 'commit', '-q', '-m', 'move to the new API');
      if (topology === 'remote') git(f.dir('b'), 'push', '-q', 'origin', 'HEAD');
      const t0 = Date.now();
      const pass = await f.cli('b', ['verify', 'a:1']);
      const wall = Date.now() - t0;
      assert.equal(pass.code, 0, pass.stdout + pass.stderr);
      const inCommands = pass
        .json()
        .verification.commands.reduce((n: number, c: { durationMs: number }) => n + c.durationMs, 0);
      console.log(
        `      s2 verify: ${wall} ms wall, ${inCommands} ms in its commands, ${wall - inCommands} ms beyond them`,
      );
      assert.equal(phaseOf(await f.status('b'), 'a', 1).state, 'verified');
      const start = await f.cli('b', ['start-phase', '1']);
      assert.equal(start.code, 0, start.stderr);
      assert.deepEqual(worktrees(f), []);
    });
  });
}

describe('s2 verify: trust, timeouts and kills', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f.cleanup());

  it('a self-verification does not satisfy a required cross-session need', async () => {
    f = await SwarmFixture.create('worktree', manifest(['test -f a.txt']));
    const commit = await completeA(f);
    const self = await f.cli('a', ['verify', 'a:1']);
    assert.equal(self.code, 2);
    assert.match(self.stderr, /cannot verify its own phase/);
    // Even a properly signed self-verification record written around the CLI does not count.
    await (
      await storeAs(f, 'a', 'a')
    ).writeVerification({
      kind: 'verification',
      verifier: 'a',
      target: 'a',
      phase: 1,
      completionCommit: commit,
      verifierCommit: commit,
      result: 'pass',
      at: new Date().toISOString(),
      commands: [],
      detail: 'self',
    });
    const view = await f.status('b');
    assert.equal(phaseOf(view, 'a', 1).verification, 'unverified');
    assert.equal(phaseOf(view, 'a', 1).state, 'done');
    const refused = await f.cli('b', ['start-phase', '1', '--no-verify']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /needs a:1: complete but not verified by a session other than a/);
  });

  it('a verification record signed with the wrong key is BAD_SIGNATURE and does not verify', async () => {
    f = await SwarmFixture.create('worktree', manifest(['test -f a.txt']));
    const commit = await completeA(f);
    await (
      await storeAs(f, 'b', 'c')
    ).writeVerification({
      kind: 'verification',
      verifier: 'b',
      target: 'a',
      phase: 1,
      completionCommit: commit,
      verifierCommit: commit,
      result: 'pass',
      at: new Date().toISOString(),
      commands: [],
      detail: 'forged',
    });
    const view = await f.status('c');
    assert.ok(
      view.violations.some((v: { code: string; session: string }) => v.code === 'BAD_SIGNATURE' && v.session === 'b'),
      JSON.stringify(view.violations),
    );
    assert.equal(phaseOf(view, 'a', 1).verification, 'unverified');
    assert.equal((await f.cli('b', ['start-phase', '1', '--no-verify'])).code, 1);
  });

  it("a verification command that hangs is stopped at the phase's timeoutSeconds and recorded as failed", async () => {
    f = await SwarmFixture.create('worktree', manifest(['test -f a.txt', 'test ! -f slow.txt || sleep 30'], 2));
    await completeA(f);
    f.work('b', 'slow.txt', 'makes the check hang\n');
    const t0 = Date.now();
    const v = await f.cli('b', ['verify', 'a:1']);
    const took = Date.now() - t0;
    assert.equal(v.code, 1);
    const rec = v.json().verification;
    assert.equal(rec.result, 'fail');
    const hung = rec.commands.at(-1);
    assert.equal(hung.timedOut, true);
    assert.equal(hung.exitCode, null);
    assert.ok(hung.durationMs >= 1900 && took < 10_000, `durationMs ${hung.durationMs}, took ${took}`);
    const a1 = phaseOf(await f.status('c'), 'a', 1);
    assert.equal(a1.state, 'disputed');
    assert.match(a1.dispute, /timed out/);
    assert.deepEqual(worktrees(f), []);
  });

  it('a verify killed mid-run leaves no worktree and no partial record', async () => {
    assert.ok(existsSync(CLI), `build the CLI first (node esbuild.mjs): ${CLI}`);
    const tag = `s2-kill-test-${process.pid}-${Date.now()}`;
    f = await SwarmFixture.create(
      'worktree',
      manifest(['test -f a.txt', `test ! -f slow.txt || { sleep 30; true; } # ${tag}`], 60),
    );
    await completeA(f);
    f.work('b', 'slow.txt', 'makes the check hang\n');
    assert.equal((await f.cli('b', ['heartbeat'])).code, 0);
    const recordsBefore = git(f.coord, 'rev-parse', 'refs/heads/s2/sessions/b');
    const child = spawn(process.execPath, [CLI, 'verify', 'a:1'], {
      cwd: f.dir('b'),
      env: { ...process.env, S2_HOME: f.home, S2_SESSION: 'b' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    let seen: string[] = [];
    for (let i = 0; i < 200 && !seen.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = worktrees(f);
    }
    assert.equal(seen.length, 1, 'the verify worktree appeared');
    const dir = seen[0]!.slice('worktree '.length);
    await new Promise((r) => setTimeout(r, 300)); // let the validation command start
    child.kill('SIGTERM');
    const { code } = await exited;
    assert.equal(code, 143);
    assert.deepEqual(worktrees(f), []);
    assert.equal(existsSync(dir), false, `${dir} removed`);
    assert.equal(git(f.coord, 'rev-parse', 'refs/heads/s2/sessions/b'), recordsBefore, 'no record was written');
    const left = execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(tag));
    assert.deepEqual(left, [], 'the validation command was stopped too');
    assert.throws(() =>
      execFileSync('git', ['cat-file', '-e', 'refs/heads/s2/sessions/b:.s2/sessions/b/verifications/a-1.yaml'], {
        cwd: f.coord,
        stdio: 'ignore',
      }),
    );
  });
});
