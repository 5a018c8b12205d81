import * as assert from 'node:assert/strict';
import { existsSync, utimesSync } from 'node:fs';
import { S2Error } from '../../src/core/errors';
import { LoopBatch, LoopHost, LoopHostOptions, MIN_LOCK_LIFETIME_MS } from '../../src/loop/loopHost';
import { LoopLock } from '../../src/loop/loopLock';
import { SwarmSession } from '../../src/loop/swarmSession';
import { git, simpleManifest, SwarmFixture } from '../helpers/gitFixture';

/**
 * The one loop host (#15 item 2) on real git: the lock it takes and for how long, the window
 * that only watches while another process holds the loop, and alerts that come back after
 * they cleared. `s2 poll` and the editor's loop both run through it.
 */
describe('LoopHost: one host for s2 poll and the editor (#15 item 2)', function () {
  this.timeout(60_000);
  let f: SwarmFixture;
  const open: SwarmSession[] = [];
  const hosts: LoopHost[] = [];
  const lines: string[] = [];

  async function session(id: string): Promise<SwarmSession> {
    const s = await SwarmSession.open({ repo: f.dir(id), session: id, env: { ...process.env, S2_HOME: f.home } });
    open.push(s);
    return s;
  }

  function host(s: SwarmSession, o: Partial<LoopHostOptions> = {}): LoopHost {
    // An hour between ticks: every tick in these tests is one the test asks for (poke).
    const h = new LoopHost(s, {
      intervalSeconds: 3600,
      execute: false,
      log: (l) => lines.push(l),
      whenLocked: 'watch',
      ...o,
    });
    hosts.push(h);
    return h;
  }

  /**
   * The next tick of `h`. A poke makes the loop probe the tips at once and tick when one moved
   * (a poke before the loop waits is lost: poke until it ticks).
   */
  async function nextTick(h: LoopHost): Promise<LoopBatch> {
    let got: LoopBatch | null = null;
    const sub = h.onDidTick((b) => (got = b));
    try {
      for (let i = 0; i < 400 && !got; i++) {
        h.poke();
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      sub.dispose();
    }
    assert.ok(got, 'the loop ticked');
    return got;
  }

  const tipOf = (id: string): string => git(f.coord, 'rev-parse', `refs/heads/s2/sessions/${id}`);

  /** Something moves in the swarm (a's heartbeat), then the next tick of `h`. */
  async function tickAfterChange(h: LoopHost): Promise<LoopBatch> {
    assert.equal((await f.cli('a', ['heartbeat'])).code, 0);
    return nextTick(h);
  }

  beforeEach(async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b'], 2));
    lines.length = 0;
  });

  afterEach(async () => {
    for (const h of hosts.splice(0)) {
      await h.stop();
      await h.ended();
      h.dispose();
    }
    for (const s of open.splice(0)) s.dispose();
    f.cleanup();
  });

  it('holds the lock for three missed ticks plus a minute, never under two minutes', () => {
    assert.equal(LoopHost.lockLifetimeMs(30), 150_000);
    assert.equal(LoopHost.lockLifetimeMs(1), MIN_LOCK_LIFETIME_MS);
    assert.equal(LoopHost.lockLifetimeMs(100), 360_000);
  });

  it('acts with the lock; a second s2 poll is refused LOCKED until the lease runs out, then takes it over', async () => {
    const acting = host(await session('a'), { intervalSeconds: 30 });
    assert.equal(await acting.start(), 'acting');
    const lock = LoopLock.forSession(git(f.coord, 'rev-parse', '--path-format=absolute', '--git-common-dir'), 'a', 1);
    assert.ok(existsSync(lock.file), 'the lock file is there');
    const second = host(await session('a'), { intervalSeconds: 30, whenLocked: 'refuse' });
    // Untouched for 140 s: within the 150 s lease at a 30 s interval (a 120 s lease would have let it go).
    const at = (secondsAgo: number): void => {
      const t = new Date(Date.now() - secondsAgo * 1000);
      utimesSync(lock.file, t, t);
    };
    at(140);
    await assert.rejects(second.start(), (e: unknown) => e instanceof S2Error && e.code === 'LOCKED');
    assert.equal(second.mode, 'stopped');
    at(160);
    assert.equal(await second.start(), 'acting', 'a lock untouched past its lease is taken over');
  });

  it('watch-only while another process holds the loop: reads and alerts, writes no heartbeat', async () => {
    const acting = host(await session('b'));
    assert.equal(await acting.start(), 'acting');
    const beforeWatch = tipOf('b');
    const watcher = host(await session('b'));
    assert.equal(await watcher.start(), 'watching');
    assert.match(lines.join('\n'), /a loop for this session already runs.*this window only watches/);
    // It still reads: a's first heartbeat shows in the view it publishes.
    const seen = await tickAfterChange(watcher);
    assert.notEqual(
      seen.view.sessions.find((x) => x.id === 'a')?.heartbeatAgeSeconds ?? null,
      null,
      'the watcher read it',
    );
    await tickAfterChange(watcher);
    assert.equal(tipOf('b'), beforeWatch, 'the watching window wrote nothing on b');
  });

  it('a watching window alerts a wait again when it cleared and came back', async () => {
    // Another process holds b's loop: this window only watches b.
    const other = host(await session('b'));
    assert.equal(await other.start(), 'acting');
    const watcher = host(await session('b'));
    assert.equal(await watcher.start(), 'watching');
    const blocked = async (): Promise<string[]> =>
      (await tickAfterChange(watcher)).events.filter((e) => e.type === 'BLOCKED').map((e) => e.key);
    assert.equal((await f.cli('b', ['block', '--on', 'a:1', '--reason', 'needs the API'])).code, 0);
    assert.deepEqual(await blocked(), ['blocked:a:1'], 'alerted once');
    assert.deepEqual(await blocked(), [], 'not again while it holds');
    assert.equal((await f.cli('b', ['block', '--clear'])).code, 0);
    assert.deepEqual(await blocked(), []);
    assert.equal((await f.cli('b', ['block', '--on', 'a:1', '--reason', 'needs the API again'])).code, 0);
    assert.deepEqual(await blocked(), ['blocked:a:1'], 'alerted again after it cleared and came back');
  });

  it('stops by itself after its ticks and releases the lock', async () => {
    const h = host(await session('a'), { ticks: 2, intervalSeconds: 0.05 });
    let ticks = 0;
    h.onDidTick(() => ticks++);
    assert.equal(await h.start(), 'acting');
    await h.ended();
    assert.equal(ticks, 2);
    assert.equal(h.mode, 'stopped');
    const again = host(await session('a'), { whenLocked: 'refuse' });
    assert.equal(await again.start(), 'acting', 'the lock was released');
  });
});
