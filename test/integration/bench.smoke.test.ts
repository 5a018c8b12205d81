import { strict as assert } from 'node:assert';
import { HOOK_CASES } from '../../bench/hook';
import { formatGoals, formatTable, goals, rows } from '../../bench/report';
import { BenchResults, runBench, SMOKE } from '../../bench/runner';

/**
 * The benchmark code paths at tiny sizes (3 sessions, 50 commits): every figure is produced
 * and sane. No timing assertion here — the timing goals live in `npm run bench`.
 */
describe('benchmarks, smoke run at tiny sizes (no timing goals)', function () {
  this.timeout(180_000);
  let r: BenchResults;

  before(async () => {
    r = await runBench(SMOKE);
  });

  const finitePositive = (x: number, what: string): void => assert.ok(Number.isFinite(x) && x > 0, `${what} = ${x}`);

  it('snapshot read: S² and its cat-file floor over the same objects, on valid signed records', () => {
    assert.equal(r.read.length, 1);
    const x = r.read[0]!;
    assert.equal(x.sessions, 3);
    assert.equal(x.historyCommits, 50);
    assert.equal(x.problems, 0, 'every generated record is valid and signed');
    for (const f of [x.cold, x.warm]) {
      finitePositive(f.ms, 'read ms');
      finitePositive(f.floorMs, 'floor ms');
      finitePositive(f.ratio, 'ratio');
      assert.ok(f.requests >= f.uniqueObjects && f.uniqueObjects > 0);
    }
    assert.ok(
      x.cold.uniqueObjects > x.warm.uniqueObjects,
      'a warm read touches fewer objects (records cached by tree)',
    );
  });

  it('ticks: cold and warm, both topologies; one fetch on a remote, none in worktrees; the heartbeat tick writes', () => {
    assert.deepEqual(r.ticks.map((t) => t.topology).sort(), ['remote', 'worktree']);
    for (const t of r.ticks) {
      for (const f of [t.cold, t.warm, t.warmHeartbeat]) {
        finitePositive(f.wallMs, `${t.topology} tick wall`);
        assert.ok(f.nodeCpuMs >= 0 && f.processes >= 0 && f.bytesRead > 0);
        assert.equal(f.fetches, t.topology === 'remote' ? 1 : 0);
      }
      assert.equal(t.warmHeartbeat.heartbeat, true);
      assert.equal(t.cold.heartbeat, true);
      assert.equal(t.fetchAlone === null, t.topology === 'worktree');
    }
  });

  it('push contention: per-session branches lose nothing; the shared-branch baseline is counted', () => {
    const s2 = r.contention.find((c) => c.scheme === 'per-session branches')!;
    const sh = r.contention.find((c) => c.scheme === 'one shared branch')!;
    assert.equal(s2.writers, 3);
    assert.equal(s2.rejectedPushes, 0);
    assert.equal(s2.lostUpdates, 0);
    assert.equal(s2.acknowledged, 3);
    assert.equal(s2.landed, 3);
    assert.ok(sh.attemptedPushes >= sh.acknowledged && sh.acknowledged > 0);
    assert.ok(sh.lostUpdates >= 0 && sh.regressions >= 0 && sh.conflicts >= 0);
  });

  it('alert latency: every other session saw the block and its clearing, in both topologies', () => {
    assert.deepEqual(
      r.alerts.map((a) => a.topology),
      ['worktree', 'remote'],
    );
    for (const a of r.alerts) {
      assert.equal(a.timeouts, 0);
      assert.equal(a.blockSeenMs.n, a.sessions - 1);
      assert.equal(a.unblockSeenMs.n, a.sessions - 1);
      finitePositive(a.blockSeenMs.p50, 'latency');
    }
  });

  it('load on a shared remote: requests counted at a git daemon, every change followed', () => {
    const rl = r.remote!;
    assert.equal(rl.sessions, 3);
    assert.ok(
      rl.idle.requests > 0 && rl.idle.upload + rl.idle.receive === rl.idle.requests,
      'the daemon logged requests',
    );
    assert.ok(Number.isFinite(rl.idle.perSessionPerMinute) && rl.fixedScheduleModel > 0);
    assert.ok(rl.firstChangeMs.n > 0, 'the first change after quiet reached someone');
    assert.equal(rl.busy.seenMs.n + rl.busy.timeouts + rl.firstChangeMs.n, (rl.busy.changes + 1) * (rl.sessions - 1));
  });

  it('engine, CLI and extension figures, the table and the goals', () => {
    assert.equal(r.engine.views.length, 2);
    for (const v of r.engine.views) finitePositive(v.medianMs, 'view ms');
    finitePositive(r.engine.verify!.verifyPerSecond, 'verify rate');
    finitePositive(r.engine.verify!.admitPerSecond, 'admit rate');
    for (const c of r.cli)
      if (c.available) {
        assert.equal(c.exitCode, 0);
        finitePositive(c.statusMs, 's2 status ms');
        finitePositive(c.nodeStartMs, 'node start ms');
      }
    for (const h of r.hooks)
      if (h.available) {
        assert.equal(h.wrongAnswers, 0, 'every hook call answered as its case expects');
        for (const c of HOOK_CASES) finitePositive(h.ms[c], `hook ${c} ms`);
      }
    assert.ok(r.extension.bundle && r.extension.matrix);
    const rs = rows(r);
    assert.ok(rs.length > 15);
    const table = formatTable(rs);
    assert.match(table, /Snapshot read, cold/);
    const gs = goals(r, SMOKE);
    // 6 before issue #18, + the cached read and the view's fit, + the shared remote's two, + one per hook case.
    assert.ok(gs.length >= 10 + HOOK_CASES.length, gs.map((g) => g.goal).join('\n'));
    assert.equal(
      gs.filter((g) => g.goal.startsWith('s2 hook claude')).length,
      HOOK_CASES.length,
      'a goal per hook case',
    );
    assert.match(table, /s2 hook claude, PreToolUse of a plain tool/);
    assert.ok(gs.every((g) => ['MET', 'MISSED', 'n/a'].includes(g.status)));
    assert.match(formatGoals(gs), /Whole run/);
  });
});
