import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Poller } from '../../src/loop/poller';
import { RemoteWatch } from '../../src/loop/remoteWatch';
import { SwarmSession } from '../../src/loop/swarmSession';
import { SwarmFixture, git } from '../helpers/gitFixture';

/**
 * The load a loop puts on a shared remote (#18): every request the remote serves is counted by
 * wrapping git-upload-pack / git-receive-pack in the session's clone (remote.origin.uploadpack),
 * so old and new code are measured the same way. No timing goals: counts with generous bounds.
 */
const MANIFEST = `swarm: rw
approvers:
  owner:
    title: the person running the swarm
polling: { intervalSeconds: 600, jitter: 0, heartbeatSeconds: 60, probeSeconds: 0.1, probeMaxSeconds: 2 }
sessions:
  a:
    phaseCount: 2
    budgetUsd: 20
  b:
    phaseCount: 2
    budgetUsd: 20
`;

/** Count every request the remote serves to `clone`, by service, in `log`. */
function countRequests(f: SwarmFixture, clone: string, log: string): () => { upload: number; receive: number } {
  for (const service of ['upload-pack', 'receive-pack']) {
    const script = path.join(f.root, `count-${service}.sh`);
    writeFileSync(script, `#!/bin/sh\necho ${service} >> '${log}'\nexec git-${service} "$@"\n`);
    chmodSync(script, 0o755);
    git(clone, 'config', `remote.origin.${service === 'upload-pack' ? 'uploadpack' : 'receivepack'}`, script);
  }
  return () => {
    const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [];
    return {
      upload: lines.filter((l) => l === 'upload-pack').length,
      receive: lines.filter((l) => l === 'receive-pack').length,
    };
  };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the remote watch: an idle loop backs off, a change is still seen', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('backs off while others only heartbeat, then sees a block and an approval (s2/approvals/*) by the next check', async () => {
    f = await SwarmFixture.create('remote', MANIFEST);
    const requests = countRequests(f, f.dir('a'), path.join(f.root, 'requests-a.log'));
    const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env: { ...process.env, S2_HOME: f.home } });
    const p = new Poller(s, { heartbeat: false, execute: false });
    const events: string[] = [];
    p.onDidEmitEvent((e) => events.push(e.type));
    const run = p.run();
    try {
      await until(() => p.fetches >= 1 && p.view !== null, 30_000, 'the first tick');
      // Quiet while b heartbeats 6 times, 0.5 s apart (each moves b's branch at the remote). At
      // the probe pace (0.1 s) a loop makes ~7 checks a second (28 in 4 s before #18); backing
      // off to the 2 s cap it makes a few at first, then one every 2 s: ≤ 8 + W/2 in W seconds.
      const before = requests().upload;
      const t0 = Date.now();
      for (let i = 0; i < 6; i++) {
        assert.equal((await f.cli('b', ['heartbeat'])).code, 0);
        await sleep(500);
      }
      const windowS = (Date.now() - t0) / 1000;
      const quiet = requests().upload - before;
      assert.ok(
        quiet <= 8 + windowS / 2,
        `requests to the remote in ${windowS.toFixed(1)} s of quiet: ${quiet} (the probe pace makes ~7 a second)`,
      );
      assert.ok(quiet >= 2, `the loop still checks while quiet: ${quiet}`);
      if (process.env['S2_TEST_VERBOSE']) console.log(`quiet: ${quiet} requests in ${windowS.toFixed(1)} s`);
      // A change after the quiet spell is seen by a later check (≤ 2 s cap; generous bound).
      assert.equal((await f.cli('b', ['block', '--on', 'a:2', '--reason', 'needs a'])).code, 0);
      await until(() => events.includes('BLOCKING'), 30_000, 'the BLOCKING event');
      // An approval lands on s2/approvals/owner, not on a session's branch: it must be seen too.
      const budget = (): number | undefined => p.view?.sessions.find((x) => x.id === 'a')?.budgetUsd;
      assert.equal(budget(), 20);
      assert.equal((await f.cliAt(f.dir('b'), null, ['approve', 'a', '--usd', '10', '--as', 'owner'])).code, 0);
      await until(() => budget() === 30, 30_000, "the approval in a's view");
      assert.equal(requests().receive, 0, 'a writes nothing (heartbeat off)');
    } finally {
      p.stop();
      await run;
      s.dispose();
    }
  });

  it("another loop's hint on this machine makes a backed-off loop check at once; a first look is not news", async () => {
    f = await SwarmFixture.create('remote', MANIFEST);
    let t = 1_000_000;
    const env = { ...process.env, S2_HOME: f.home };
    const watch = new RemoteWatch(env, () => t);
    const other = new RemoteWatch(env, () => t);
    const settings = { probeMs: 5000, maxMs: 60_000 };
    const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env });
    try {
      const snap = await s.snapshot();
      await watch.observe(snap);
      await other.observe(snap);
      assert.equal(await watch.hintMoved(), false, 'no hint yet');
      watch.checked();
      t += 10 * 60_000;
      watch.checked();
      t += 20_000;
      assert.equal(watch.due(settings), false, 'ten minutes quiet: the next check is a minute away');
      // The other loop saw b block: news, so it touches the machine's hint.
      assert.equal((await f.cli('b', ['block', '--on', 'a:2', '--reason', 'needs a'])).code, 0);
      f.fetchAll();
      assert.equal(await other.observe(await s.snapshot()), true);
      const hint = path.join(f.home, 'remote-watch', 'rw.hint');
      assert.ok(existsSync(hint));
      assert.equal(await watch.hintMoved(), true);
      assert.equal(watch.due(settings), true, 'the hint brings the check forward');
      assert.equal(await watch.hintMoved(), false, 'the same hint is news once');
      // A rogue that dates the hint into the past cannot make the loop wait longer than its cap.
      utimesSync(hint, new Date(0), new Date(0));
      watch.checked();
      assert.equal(await watch.hintMoved(), true);
      t += 60_000;
      assert.equal(watch.due(settings), true);
    } finally {
      s.dispose();
    }
  });
});
