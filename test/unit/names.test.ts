import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseManifest } from '../../src/core/manifest';
import { fillCommand, isSafeName } from '../../src/core/names';
import { keyPath } from '../../src/git/keyStore';

/** Issue #20 item 14: names that reach paths, refs and the shell are checked where they enter. */
describe('names in paths, refs and the shell', () => {
  const manifest = (swarm: string, session = 'a', approver = 'owner'): string =>
    `swarm: ${JSON.stringify(swarm)}\napprovers:\n  ${JSON.stringify(approver)}: {}\nsessions:\n  ${JSON.stringify(session)}: { phaseCount: 1 }\n`;

  it('accepts ordinary names', () => {
    for (const n of ['sip', 'web-rtc', 'h.323', 'S_1', 'a.b.c']) assert.ok(isSafeName(n), n);
    assert.equal(parseManifest(manifest('demo', 'h.323')).sessions[0]!.id, 'h.323');
  });

  for (const [what, m] of [
    ['a swarm name that climbs out of S2_HOME', manifest('../../x')],
    ['a session id with ..', manifest('demo', 'a..b')],
    ['a session id ending in .lock', manifest('demo', 'x.lock')],
    ['an approver id that is the filesystem root', manifest('demo', 'a', '/')],
    ['an approver id with a slash', manifest('demo', 'a', 'x/y')],
  ] as const)
    it(`refuses ${what} when the manifest is read`, () => {
      assert.throws(() => parseManifest(m), /MANIFEST_INVALID|invalid manifest/);
    });

  it('never builds a key path outside S2_HOME', () => {
    const env = { S2_HOME: '/home/h/.config/s2' };
    assert.equal(keyPath('demo', 'sip', env), '/home/h/.config/s2/keys/demo/sip.key');
    assert.throws(() => keyPath('../../x', 'sip', env), /swarm name "..\/..\/x" cannot name a key file/);
    assert.throws(() => keyPath('demo', '/', env), /signer id "\/" cannot name a key file/);
  });

  it('quotes {repo} as one shell word: a checkout path cannot run a command', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 's2-names-'));
    try {
      const repo = path.join(root, 'x;touch INJECTED;#');
      mkdirSync(repo);
      const cmd = fillCommand('cd {repo} && echo "$PWD" {session}', { repo, session: "it's" });
      const out = execFileSync('bash', ['-c', cmd], { cwd: root, encoding: 'utf8' });
      assert.equal(out.trim(), `${repo} it's`);
      assert.equal(existsSync(path.join(root, 'INJECTED')), false, 'the path ran no command');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
