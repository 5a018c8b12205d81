import { strict as assert } from 'node:assert';
import { SwarmFixture, simpleManifest, git, Topology } from '../helpers/gitFixture';

const SEVEN = ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent', 'bus'];

for (const topology of ['worktree', 'remote'] as Topology[]) {
  describe(`store and phase protocol (${topology} topology, 7 sessions)`, function () {
    this.timeout(120_000);
    let f: SwarmFixture;
    before(async () => {
      f = await SwarmFixture.create(topology, simpleManifest(SEVEN, 4));
    });
    after(() => f.cleanup());

    it('concurrent writes of all sessions lose nothing: every record is counted afterwards', async () => {
      const perSession = 6;
      await Promise.all(
        SEVEN.map(async (s) => {
          for (let i = 0; i < perSession; i++) {
            const r =
              i % 2 === 0
                ? await f.cli(s, ['spend', '0.5', '--model', 'm', '--note', `n${i}`])
                : await f.cli(s, ['heartbeat']);
            assert.equal(r.code, 0, r.stderr);
          }
        }),
      );
      const view = await f.status();
      for (const s of view.sessions) assert.equal(s.spendUsd, 1.5, `${s.id} spend`);
      for (const s of SEVEN) {
        const ref = topology === 'remote' ? `origin/s2/sessions/${s}` : `s2/sessions/${s}`;
        const cwd = f.dir(s);
        const ledger = git(cwd, 'show', `${ref}:.s2/sessions/${s}/ledger.jsonl`).split('\n').filter(Boolean);
        assert.equal(ledger.length, perSession / 2, `${s} ledger lines`);
        assert.equal(Number(git(cwd, 'rev-list', '--count', ref)), perSession, `${s} commits on its branch`);
      }
      assert.deepEqual(view.violations, []);
    });

    it('refuses phase skipping and repeating, and completes only through validation', async () => {
      const s = 'sip';
      const skip = await f.cli(s, ['start-phase', '3']);
      assert.equal(skip.code, 1);
      assert.match(skip.stderr, /PHASE_SKIPPED/);
      assert.equal((await f.cli(s, ['start-phase', '1'])).code, 0);
      f.work(s);
      const done = await f.cli(s, ['complete-phase', '1']);
      assert.equal(done.code, 0, done.stderr);
      const again = await f.cli(s, ['start-phase', '1']);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already complete \(PHASE_REPEATED\)/);
      const early = await f.cli(s, ['complete-phase', '2']);
      assert.equal(early.code, 1);
      assert.match(early.stderr, /never started/);
      const view = await f.status();
      const sip = view.sessions.find((x: { id: string }) => x.id === s);
      assert.equal(sip.phase, 2);
      assert.equal(sip.phases[0].state, 'done');
    });

    it("refuses to start a phase when the checkout is not on the session's work branch", async () => {
      const d = f.dir('cli');
      git(d, 'checkout', '-q', '-b', 'elsewhere');
      const r = await f.cli('cli', ['start-phase', '1']);
      git(d, 'checkout', '-q', 's2/work/cli');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not on cli's work branch s2\/work\/cli/);
    });
  });
}
