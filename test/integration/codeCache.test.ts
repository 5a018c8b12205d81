import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandOf } from '../../src/cli/bin';
import { cacheName, loadWithCodeCache, type CodeCacheState } from '../../src/cli/codeCache';
import { SwarmFixture } from '../helpers/gitFixture';

/**
 * The CLI bundle is loaded through V8's code cache in $S2_HOME/code-cache (src/cli/codeCache.ts).
 * A cache may be missing, damaged, made by another V8 or for another bundle: each of those
 * must still load the right code, and be rewritten so the next call is fast again. Each load
 * runs in a new process, as `s2` does: within one process V8 serves a script it compiled
 * before from memory and never looks at the cache file.
 */
const CODE_CACHE = path.resolve(__dirname, '..', '..', 'src', 'cli', 'codeCache.js');

function loadInChild(
  bundle: string,
  cacheDir: string,
  nodeFlags: readonly string[] = [],
): { state: CodeCacheState; answer: number; cacheFile: string } {
  const js = `const { loadWithCodeCache } = require(${JSON.stringify(CODE_CACHE)});
const m = loadWithCodeCache(${JSON.stringify(bundle)}, { cacheDir: ${JSON.stringify(cacheDir)}, variant: 'status' });
console.log(JSON.stringify({ state: m.state, answer: m.exports.answer(), cacheFile: m.cacheFile }));
m.save();`;
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  const r = spawnSync(process.execPath, [...nodeFlags, '-e', js], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { state: CodeCacheState; answer: number; cacheFile: string };
}
describe('the code cache of the CLI bundle', () => {
  let dir: string;
  let bundle: string;
  let cacheDir: string;
  // Functions compiled lazily (inner) are what a cache made after the run holds beyond the top level.
  const source = (answer: number) =>
    `const path = require('node:path');\nfunction inner(x) { return x * 2; }\nexports.answer = () => inner(${answer / 2});\nexports.here = path.basename(__filename);\n`;
  const load = () => loadWithCodeCache<{ answer(): number; here: string }>(bundle, { cacheDir, variant: 'status' });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 's2-codecache-'));
    bundle = path.join(dir, 'cliMain.js');
    cacheDir = path.join(dir, 'home', 'code-cache');
    writeFileSync(bundle, source(42));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles from source the first time, writes the cache at exit, and uses it after', () => {
    // Made in a new process like the one that uses it: this test process may run with other V8
    // flags (the bench smoke test turns on --expose-gc), and V8 rejects a cache made under others.
    const first = loadInChild(bundle, cacheDir);
    assert.deepEqual([first.state, first.answer], ['miss', 42]);
    assert.deepEqual(readdirSync(cacheDir), [path.basename(first.cacheFile)]);
    const second = loadInChild(bundle, cacheDir);
    assert.deepEqual([second.state, second.answer], ['hit', 42]);
    const here = load();
    assert.equal(here.exports.here, 'cliMain.js', '__filename is the bundle');
  });

  it('a damaged cache file is never given to V8: the bundle compiles from source and the cache is rewritten', () => {
    const file = loadInChild(bundle, cacheDir).cacheFile;
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] ^= 0xff; // one flipped byte in V8's payload
    writeFileSync(file, bytes);
    assert.deepEqual(Object.values(loadInChild(bundle, cacheDir)).slice(0, 2), ['damaged', 42]);
    assert.equal(loadInChild(bundle, cacheDir).state, 'hit', 'rewritten');
    writeFileSync(file, 'not a cache at all');
    assert.equal(loadInChild(bundle, cacheDir).state, 'damaged');
    assert.equal(loadInChild(bundle, cacheDir).state, 'hit');
  });

  it("a foreign cache (another bundle's, under this name) is rejected by V8 and rewritten", () => {
    const other = path.join(dir, 'other.js');
    writeFileSync(other, 'exports.answer = () => 7;\n');
    const foreign = loadInChild(other, cacheDir);
    assert.equal(foreign.answer, 7);
    const mine = loadInChild(bundle, cacheDir).cacheFile;
    writeFileSync(mine, readFileSync(foreign.cacheFile));
    assert.deepEqual(Object.values(loadInChild(bundle, cacheDir)).slice(0, 2), ['rejected', 42]);
    assert.equal(loadInChild(bundle, cacheDir).state, 'hit', 'rewritten');
  });

  it('a changed bundle, even of the same length, is not served the old cache', () => {
    assert.equal(loadInChild(bundle, cacheDir).state, 'miss');
    assert.equal(loadInChild(bundle, cacheDir).state, 'hit');
    writeFileSync(bundle, source(24)); // same length, other content
    assert.deepEqual(Object.values(loadInChild(bundle, cacheDir)).slice(0, 2), ['miss', 24]);
    assert.notEqual(
      cacheName(bundle, Buffer.from(source(42)), 'status'),
      cacheName(bundle, Buffer.from(source(24)), 'status'),
    );
  });

  it('runs under other V8 flags keep their own cache instead of rewriting each other’s', () => {
    const flags = ['--max-semi-space-size=8'];
    assert.equal(loadInChild(bundle, cacheDir).state, 'miss');
    assert.equal(loadInChild(bundle, cacheDir, flags).state, 'miss', 'its own file, not a rejected one');
    assert.equal(loadInChild(bundle, cacheDir).state, 'hit');
    assert.equal(loadInChild(bundle, cacheDir, flags).state, 'hit');
  });

  it('one cache per command; an odd command name cannot name a path', () => {
    const b = Buffer.from(source(42));
    assert.notEqual(cacheName(bundle, b, 'status'), cacheName(bundle, b, 'version'));
    assert.match(cacheName(bundle, b, '../../x'), /^cliMain-other-[0-9a-f]{32}\.bin$/);
  });

  it('the cache a call uses is named after its command; help of any command shares one', () => {
    assert.equal(commandOf(['--repo', 'status', '--json', 'status', '--fetch']), 'status');
    assert.equal(commandOf(['--session', 'a', 'hook', 'claude']), 'hook');
    assert.equal(commandOf(['status', '--help']), 'help', 'a help run compiles only the help text');
    assert.equal(commandOf(['--version']), 'version');
    assert.equal(commandOf([]), 'help');
  });

  it('a bundle gets at most 40 command caches: typos cannot fill the home', () => {
    const load = (variant: string) => loadWithCodeCache(bundle, { cacheDir, variant });
    for (let i = 0; i < 45; i++) load(`typo${i}`).save();
    assert.equal(readdirSync(cacheDir).length, 40);
  });

  it('off (no cache dir) loads the bundle and writes nothing', () => {
    const off = loadWithCodeCache<{ answer(): number }>(bundle, { cacheDir: null, variant: 'status' });
    assert.equal(off.state, 'off');
    assert.equal(off.exports.answer(), 42);
    off.save();
    assert.deepEqual(readdirSync(dir), ['cliMain.js']);
  });
});

describe('s2 status through the code cache (built dist/cli.js)', function () {
  this.timeout(180_000);
  let f: SwarmFixture;
  const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
  before(async () => {
    f = await SwarmFixture.create(
      'worktree',
      'swarm: cc\nsessions:\n  a:\n    phaseCount: 2\n  b:\n    phaseCount: 2\n',
    );
  });
  after(() => f.cleanup());
  const status = (extra: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [CLI, '--json', 'status'], {
      cwd: f.dir('a'),
      encoding: 'utf8',
      env: { ...process.env, S2_HOME: f.home, S2_SESSION: 'a', S2_NOW: '2026-11-29T12:00:00Z', ...extra },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const caches = () => readdirSync(path.join(f.home, 'code-cache')).filter((n) => n.startsWith('cliMain-status-'));

  it('the bundle has no import() (a vm.Script cannot serve one without an experimental flag)', () => {
    const text = readFileSync(path.join(path.dirname(CLI), 'cliMain.js'), 'utf8');
    assert.deepEqual(text.match(/[^\w$.]import\(/g) ?? [], []);
  });

  it('prints the same status with no cache, a fresh cache, a warm cache and a damaged one', () => {
    const expected = status({ S2_CODE_CACHE: 'off' });
    rmSync(path.join(f.home, 'code-cache'), { recursive: true, force: true });
    assert.equal(status(), expected, 'first call (cache written at exit)');
    assert.equal(caches().length, 1);
    const file = path.join(f.home, 'code-cache', caches()[0]!);
    const good = readFileSync(file);
    assert.equal(status(), expected, 'warm call');
    writeFileSync(file, good.subarray(0, good.length >> 1)); // torn
    assert.equal(status(), expected, 'damaged cache');
    assert.ok(readFileSync(file).length > good.length * 0.9, 'rewritten whole');
  });
});
