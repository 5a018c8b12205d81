import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { asS2Error, errorMessage, exitCodeFor, S2Error } from '../../src/core/errors';
import { recordPaths, sessionBranch, sessionDir, sessionRef } from '../../src/core/records';
import { integrationPath } from '../../src/core/integrationRecord';
import { writeFileAtomic } from '../../src/git/atomicWrite';
import { appendToChain, chainPrefix, type Chained } from '../../src/core/hashChain';

/**
 * Issue #15 item 5: each piece of knowledge in one place. The version comes from package.json
 * in both builds; an unexpected exception is INTERNAL_ERROR, not GIT_FAILED; the records
 * branch and folder have one spelling; local files are replaced atomically by one helper.
 */
describe('one of each (issue #15 item 5)', () => {
  const root = path.resolve(__dirname, '../../..');
  const pkgVersion = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

  it("s2 --version prints package.json's version, in-process (tsc) and from the bundle (esbuild define)", async () => {
    let out = '';
    const code = await main(['--version'], {
      stdout: (t) => void (out += t),
      stderr: () => undefined,
      env: {},
      cwd: root,
    });
    assert.equal(code, 0);
    assert.equal(out, `s2 ${pkgVersion}\n`);
    const bundled = execFileSync(process.execPath, [path.join(root, 'dist/cli.js'), '--version'], { encoding: 'utf8' });
    assert.equal(bundled, `s2 ${pkgVersion}\n`);
  });

  it('an unexpected exception is INTERNAL_ERROR (exit 2); a git failure stays GIT_FAILED', () => {
    const internal = asS2Error(new TypeError("Cannot read properties of undefined (reading 'x')"));
    assert.equal(internal.code, 'INTERNAL_ERROR');
    assert.equal(internal.message, "Cannot read properties of undefined (reading 'x')");
    assert.equal(exitCodeFor(internal), 2);
    const git = new S2Error('GIT_FAILED', 'git fetch failed');
    assert.equal(asS2Error(git), git);
    assert.equal(asS2Error('thrown text').message, 'thrown text');
    assert.equal(errorMessage(new Error('why')), 'why');
    assert.equal(errorMessage(42), '42');
  });

  it('the records branch and folder have one spelling, and every record path lies in the folder', () => {
    assert.equal(sessionBranch('sip'), 's2/sessions/sip');
    assert.equal(sessionRef('sip'), 'refs/heads/s2/sessions/sip');
    assert.equal(sessionDir('sip'), '.s2/sessions/sip');
    const paths = [
      recordPaths.root('sip'),
      recordPaths.status('sip'),
      recordPaths.phase('sip', 2),
      recordPaths.adopted('sip', 'bus', 1),
      recordPaths.verification('sip', 'bus', 1),
      recordPaths.ack('sip', 'i/1'),
      recordPaths.ledger('sip'),
      recordPaths.witness('sip'),
      integrationPath('sip'),
    ];
    for (const p of paths) assert.ok(p.startsWith(`${sessionDir('sip')}/`), p);
  });

  it('writeFileAtomic replaces a file whole, creates its folder, keeps a mode, and leaves no temporary file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 's2-atomic-'));
    try {
      const file = path.join(dir, 'a', 'b', 'state.json');
      await writeFileAtomic(file, 'one');
      await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(file, `writer ${i} `.repeat(1000))));
      assert.match(readFileSync(file, 'utf8'), /^(writer (\d+) )\1*$/, 'one writer whole, never two interleaved');
      assert.deepEqual(readdirSync(path.dirname(file)), ['state.json']);
      const ro = path.join(dir, 'ro');
      await writeFileAtomic(ro, Buffer.from('x'), { mode: 0o444 });
      assert.equal(statSync(ro).mode & 0o777, 0o444);
      await assert.rejects(writeFileAtomic(path.join(ro, 'under-a-file'), 'x'));
      assert.deepEqual(readdirSync(dir).sort(), ['a', 'ro']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one cut for every hash chain: the entries before the first break, and where it broke', () => {
    const chain: (Chained & { usd: number })[] = [];
    for (const usd of [1, 2, 3, 4]) chain.push(appendToChain(chain, { usd }));
    assert.deepEqual(chainPrefix(chain), { kept: chain, brokenAt: -1 });
    const edited = chain.map((e, i) => (i === 2 ? { ...e, usd: 300 } : e));
    assert.deepEqual(chainPrefix(edited), { kept: chain.slice(0, 2), brokenAt: 2 });
    assert.deepEqual(chainPrefix([chain[1]!]), { kept: [], brokenAt: 0 });
  });
});
