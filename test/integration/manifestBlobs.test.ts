import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { LocalStateKey } from '../../src/git/localState';
import { SwarmFixture } from '../helpers/gitFixture';

/**
 * A bundled build keeps the parsed manifest in the clone's record cache, keyed by blob id and
 * the build's id (src/git/manifestBlobs.ts; esbuild.mjs defines S2_BUILD_ID). Observed by
 * planting a different plan under the key with this clone's own key (as only the user can):
 * the same build believes it — the parse is really skipped — and another build does not.
 * Each read runs in a new process, as `s2` does (the process memo would answer otherwise).
 */
const SESSION_JS = path.resolve(__dirname, '..', '..', 'src', 'loop', 'swarmSession.js');

describe('the parsed manifest kept in the record cache, per build', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  before(async () => {
    f = await SwarmFixture.create(
      'worktree',
      'swarm: mb\nsessions:\n  a:\n    title: Alpha\n    phaseCount: 2\n  b:\n    phaseCount: 2\n',
    );
  });
  after(() => f.cleanup());

  /** The title of session a as a process of build `build` (null: unbundled, no build id) reads it. */
  function titleAs(build: string | null, fixture = f, field = 'title'): string {
    const js = `${build ? `globalThis.S2_BUILD_ID = ${JSON.stringify(build)};` : ''}
const { SwarmSession } = require(${JSON.stringify(SESSION_JS)});
(async () => {
  const s = await SwarmSession.open({ repo: ${JSON.stringify(fixture.dir('a'))}, session: 'a', env: { S2_HOME: ${JSON.stringify(fixture.home)} } });
  const snap = await s.snapshot();
  s.dispose();
  console.log(String(snap.plan.sessions.find((x) => x.id === 'a')[${JSON.stringify(field)}]));
})().catch((e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['-e', js], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  }

  async function plant(build: string, title: string): Promise<void> {
    const file = path.join(f.coord, '.git', 's2', 'record-cache.json');
    const key = await LocalStateKey.load({ S2_HOME: f.home });
    const got = await key.read(file);
    assert.equal(got.status, 'ok');
    const data = JSON.parse((got as { text: string }).text) as { records: Record<string, unknown> };
    const keys = Object.keys(data.records).filter((k) => k.startsWith('manifest|') && k.endsWith(`|${build}`));
    assert.equal(keys.length, 1, `one manifest kept for build ${build}: ${Object.keys(data.records).join(', ')}`);
    const plan = data.records[keys[0]!] as { sessions: { id: string; title: string }[] };
    plan.sessions.find((s) => s.id === 'a')!.title = title;
    await key.write(file, JSON.stringify(data));
  }

  it('a build reads its own kept parse, another build parses again, unbundled code keeps nothing', async () => {
    assert.equal(titleAs('build-1'), 'Alpha', 'parsed and kept');
    await plant('build-1', 'Planted');
    assert.equal(titleAs('build-1'), 'Planted', 'the same build skips the parse');
    assert.equal(titleAs('build-2'), 'Alpha', 'another build is not served the first build’s parse');
    assert.equal(titleAs(null), 'Alpha', 'no build id: parsed');
  });

  it('a plan JSON cannot hold (an infinite budget) is parsed every time, never kept as null', async () => {
    const inf = await SwarmFixture.create(
      'worktree',
      'swarm: inf\nsessions:\n  a:\n    budgetUsd: .inf\n    phaseCount: 2\n  b:\n    phaseCount: 2\n',
    );
    try {
      assert.equal(titleAs('build-1', inf, 'budgetUsd'), 'Infinity');
      assert.equal(titleAs('build-1', inf, 'budgetUsd'), 'Infinity', 'the second process too');
    } finally {
      inf.cleanup();
    }
  });
});
