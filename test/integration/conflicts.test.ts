import { strict as assert } from 'node:assert';
import { forecastInputOf } from '../../src/core/conflicts';
import { main } from '../../src/cli/main';
import { ConflictForecaster } from '../../src/git/conflictForecast';
import { processStats } from '../../src/git/gitProcess';
import { SwarmSession } from '../../src/loop/swarmSession';
import { simpleManifest, SwarmFixture, Topology } from '../helpers/gitFixture';

/** The conflict forecast and duplicate work on real git swarms, before anyone merges. */
async function forecastOnce(f: SwarmFixture, fc: ConflictForecaster, as = f.sessions[0]!) {
  f.fetchAll();
  const s = await SwarmSession.open({ repo: f.dir(as), session: as, env: process.env });
  try {
    return await fc.forecast(forecastInputOf(await s.snapshot()));
  } finally {
    s.dispose();
  }
}

for (const topology of ['worktree', 'remote'] as Topology[]) {
  describe(`conflict forecast and duplicate work (${topology})`, function () {
    this.timeout(120_000);
    let f: SwarmFixture;
    beforeEach(async () => {
      f = await SwarmFixture.create(topology, simpleManifest(['a', 'b', 'c'], 2));
    });
    afterEach(() => f.cleanup());
    const cli = (as: string, args: string[]) => {
      f.fetchAll();
      return f.cli(as, args);
    };

    it('forecasts two sessions editing the same lines as a conflict before either merges', async () => {
      f.work('a', 'README.md', '# product by a\n');
      f.work('b', 'README.md', '# product by b\n');
      f.work('c', 'c.txt');
      const r = await cli('c', ['conflicts']);
      assert.equal(r.code, 1, r.stderr);
      const out = r.json();
      assert.deepEqual(out.pairs, [
        { a: 'a', b: 'b', files: ['README.md'], conflict: true, conflictFiles: ['README.md'] },
      ]);
      assert.deepEqual(out.duplicates, []);
      assert.deepEqual(
        out.violations.map((v: { code: string; ref: string }) => `${v.code} ${v.ref}`),
        ['MERGE_CONFLICT_AHEAD a+b'],
      );
      assert.deepEqual(out.sessions.find((x: { id: string }) => x.id === 'c').files, ['c.txt']);
    });

    it('does not pair two sessions editing different files, and exits 0', async () => {
      f.work('a', 'a.txt');
      f.work('b', 'b.txt');
      const r = await cli('a', ['conflicts']);
      assert.equal(r.code, 0, r.stdout);
      assert.deepEqual(r.json().pairs, []);
      assert.deepEqual(r.json().violations, []);
    });

    it('reports a pair that changes the same file but merges cleanly as conflict: false', async () => {
      f.work('a', 'README.md', 'top by a\n# product\n');
      f.work('b', 'README.md', '# product\nbottom by b\n');
      const out = (await cli('a', ['conflicts'])).json();
      assert.deepEqual(out.pairs, [{ a: 'a', b: 'b', files: ['README.md'], conflict: false, conflictFiles: [] }]);
    });

    it('reports the same fix committed in two sessions as DUPLICATE_WORK', async () => {
      f.work('a', 'a.txt');
      const ca = f.work('a', 'lib/fix.txt', 'the fix\n');
      const cb = f.work('b', 'lib/fix.txt', 'the fix\n');
      assert.notEqual(ca, cb);
      const r = await cli('c', ['conflicts']);
      assert.equal(r.code, 1);
      const out = r.json();
      assert.equal(out.duplicates.length, 1);
      assert.deepEqual(out.duplicates[0].sessions, ['a', 'b']);
      assert.deepEqual(out.duplicates[0].commits, [ca, cb].sort());
      assert.ok(out.violations.some((v: { code: string }) => v.code === 'DUPLICATE_WORK'));
      assert.ok(
        out.pairs.every((p: { conflict: boolean }) => !p.conflict),
        'the same change merges cleanly',
      );
    });

    it('caches per pair of tips: nothing moved spawns no process; one tip moved redoes only its pairs', async () => {
      for (const s of ['a', 'b', 'c']) f.work(s, 'shared.txt', `${s}\n`);
      const fc = new ConflictForecaster(f.dir('a'));
      const first = await forecastOnce(f, fc);
      assert.equal(first.pairs.length, 3);
      assert.equal(first.stats.mergeTrees, 3);
      const again = await forecastOnce(f, fc);
      assert.deepEqual(again.pairs, first.pairs);
      assert.equal(again.stats.mergeTrees, 0);
      assert.equal(again.stats.processes, 0, 'nothing moved: no git process at all');
      f.work('c', 'c2.txt');
      const moved = await forecastOnce(f, fc);
      assert.equal(moved.stats.mergeTrees, 2, 'only a-c and b-c');
      assert.ok(moved.stats.processes <= 6, `processes ${moved.stats.processes}`);
    });
  });
}

describe('s2 conflicts text output', function () {
  this.timeout(60_000);
  it('prints a table with the pair and the finding codes', async () => {
    const f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b'], 1));
    try {
      f.work('a', 'README.md', 'a\n');
      f.work('b', 'README.md', 'b\n');
      let out = '';
      const code = await main(['conflicts'], {
        stdout: (t) => (out += t),
        stderr: () => undefined,
        env: { ...process.env, S2_HOME: f.home, S2_SESSION: 'a' },
        cwd: f.dir('a'),
      });
      assert.equal(code, 1);
      assert.match(out, /a\s+b\s+CONFLICT\s+README\.md/);
      assert.match(out, /MERGE_CONFLICT_AHEAD/);
    } finally {
      f.cleanup();
    }
  });
});

/** Cost of one forecast at 7 and 50 sessions: first, nothing moved, one tip moved. */
describe('conflict forecast cost', function () {
  this.timeout(600_000);
  for (const n of [7, 50]) {
    it(`${n} sessions`, async () => {
      const ids = Array.from({ length: n }, (_, i) => `s${i + 1}`);
      const f = await SwarmFixture.create('worktree', simpleManifest(ids, 1));
      try {
        ids.forEach((id, i) => {
          f.work(id, `${id}/own.txt`);
          f.work(id, `area-${i % Math.min(7, Math.ceil(n / 2))}.txt`, `${id}\n`);
          f.work(id, `${id}/more.txt`);
        });
        const fc = new ConflictForecaster(f.dir(ids[0]!));
        const s = await SwarmSession.open({ repo: f.dir(ids[0]!), session: ids[0]!, env: process.env });
        try {
          const run = async () => fc.forecast(forecastInputOf(await s.snapshot()));
          const before = processStats.spawned;
          const first = await run();
          const still = await run();
          f.work(ids[3]!, `${ids[3]}/later.txt`);
          const moved = await run();
          const fmt = (x: typeof first) =>
            `${x.stats.ms} ms, ${x.stats.processes} processes, ${x.stats.mergeTrees} merge-tree`;
          console.log(
            `      ${n} sessions, ${first.pairs.length} pairs: first ${fmt(first)}; nothing moved ${fmt(still)}; one moved ${fmt(moved)}`,
          );
          assert.equal(still.stats.processes, 0);
          assert.ok(moved.stats.mergeTrees < first.stats.mergeTrees || first.stats.mergeTrees <= 1);
          assert.ok(processStats.spawned - before >= first.stats.processes);
        } finally {
          s.dispose();
        }
      } finally {
        f.cleanup();
      }
    });
  }
});
