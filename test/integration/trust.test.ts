import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { keyPath } from '../../src/git/keyStore';
import { RecordWriter } from '../../src/git/recordWriter';
import { openRepo } from '../../src/git/repoContext';
import { SessionStore } from '../../src/git/sessionStore';
import { SnapshotReader } from '../../src/git/snapshotReader';
import { SwarmFixture, simpleManifest, git, Topology } from '../helpers/gitFixture';

const SEVEN = ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent', 'bus'];

/** A writer for `victim`'s branch that signs with `signer`'s key: what a rogue session can do. */
async function forgeAs(f: SwarmFixture, cwd: string, victim: string, signer: string): Promise<SessionStore> {
  const ctx = await openRepo(cwd);
  const reader = new SnapshotReader(ctx, { me: victim, trackRewrites: false });
  const key = readFileSync(keyPath('test', signer, { S2_HOME: f.home }), 'utf8');
  return new SessionStore(new RecordWriter(ctx, reader), victim, key, undefined, false);
}

function codes(view: { violations: { code: string; session: string }[] }): string[] {
  return view.violations.map((v) => `${v.code}:${v.session}`);
}

for (const topology of ['worktree', 'remote'] as Topology[]) {
  describe(`trust: forged records and rewritten branches (${topology})`, function () {
    this.timeout(120_000);
    let f: SwarmFixture;
    beforeEach(async () => {
      f = await SwarmFixture.create(topology, simpleManifest(SEVEN, 3));
    });
    afterEach(() => f.cleanup());

    it("reports a record signed with another session's key as BAD_SIGNATURE and ignores it", async () => {
      assert.equal((await f.cli('sip', ['heartbeat'])).code, 0);
      f.fetchAll();
      const rogue = await forgeAs(f, f.dir('bus'), 'sip', 'bus');
      await rogue.commit({ status: (st) => ({ ...st, state: 'done', phase: 3 }), message: 'forged' });
      const view = await f.status('ndi');
      assert.ok(codes(view).includes('BAD_SIGNATURE:sip'), codes(view).join(' '));
      assert.ok(codes(view).includes('FOREIGN_COMMIT:sip'), 'the commit was not sealed by sip');
      const sip = view.sessions.find((s: { id: string }) => s.id === 'sip');
      assert.equal(sip.declaredState, 'idle', 'the forged status is not acted on: sip reads as it last sealed itself');
      assert.equal((await f.cli('ndi', ['validate'])).code, 1);
    });

    it('reports a rewritten session branch as HISTORY_REWRITE, sticky until accepted', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await f.cli('sip', ['spend', '1'])).code, 0);
      const observer = 'ndi';
      await f.status(observer);
      // The rewrite: sip's branch moved back two commits and forward on a new line.
      const d = f.dir('sip');
      const local = topology === 'remote' ? `refs/heads/s2/sessions/sip` : `refs/heads/s2/sessions/sip`;
      const old = git(d, 'rev-parse', `${local}~2`);
      git(d, 'update-ref', local, old);
      if (topology === 'remote') git(d, 'push', '-q', '--force', 'origin', `${local}:${local}`);
      const view = await f.status(observer);
      assert.ok(codes(view).includes('HISTORY_REWRITE:sip'), codes(view).join(' '));
      const again = await f.status(observer);
      assert.ok(codes(again).includes('HISTORY_REWRITE:sip'), 'still reported on the next read');
      const accept = await f.cli(observer, ['validate', '--accept-rewrite', 'sip']);
      assert.ok(!JSON.parse(accept.stdout).violations.some((v: { code: string }) => v.code === 'HISTORY_REWRITE'));
    });

    it("reports files written outside the session's folder as FOREIGN_WRITE", async () => {
      const ctx = await openRepo(f.dir('bus'));
      const reader = new SnapshotReader(ctx, { me: 'bus' });
      await new RecordWriter(ctx, reader).write('s2/sessions/bus', '', () => ({
        files: { '.s2/sessions/sip/status.yaml': 'kind: status\n' },
        message: "write into another session's folder",
      }));
      const view = await f.status('ndi');
      assert.ok(codes(view).includes('FOREIGN_WRITE:bus'), codes(view).join(' '));
    });
  });
}
