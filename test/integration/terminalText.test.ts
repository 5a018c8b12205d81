import { strict as assert } from 'node:assert';
import { main } from '../../src/cli/main';
import { rogueStore } from '../helpers/rogue';
import { simpleManifest, SwarmFixture } from '../helpers/gitFixture';

/**
 * Issue #20 item 12: a record's free text must not drive the terminal. A session writes
 * witness details full of escape sequences (clear screen, cursor home, a fake "ok"); the
 * human output of `s2 validate` shows the violation without any control character.
 */
describe('terminal injection through record text', function () {
  this.timeout(60_000);
  let f: SwarmFixture;
  before(async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b'], 2));
  });
  after(() => f.cleanup());

  async function human(session: string, args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const code = await main(args, {
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
      env: { ...process.env, S2_HOME: f.home, S2_SESSION: session },
      cwd: f.dir(session),
    });
    return { code, out };
  }

  it('strips escape sequences from human output and escapes C1 controls in JSON', async () => {
    const evil = '1\u001b[2J\u001b[H\u009b2Jok: no violations\u202e';
    const store = await rogueStore(f, 'a');
    for (let i = 0; i < 2; i++)
      await store.commit({ witness: { action: 'complete-phase', detail: evil }, message: 'rogue witness' });
    const r = await human('b', ['validate']);
    assert.equal(r.code, 1);
    assert.match(r.out, /PHASE_REPEATED/);
    assert.doesNotMatch(r.out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, JSON.stringify(r.out));
    const j = await human('b', ['--json', 'validate']);
    assert.doesNotMatch(j.out, /[\u007f-\u009f\u202a-\u202e]/);
    const v = JSON.parse(j.out) as { violations: { code: string; message: string }[] };
    assert.match(v.violations.find((x) => x.code === 'PHASE_REPEATED')!.message, /\u009b2Jok/);
  });
});
