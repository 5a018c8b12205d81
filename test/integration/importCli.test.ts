import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { git } from '../helpers/gitFixture';
import { fixtureFiles, fixturesPresent, ImportRepo, LEGACY_FIXTURES, LEGACY_MISSING } from '../helpers/importRepo';

const BLOCKED_BY_SIP_4 = ['ndi', 'webrtc', 'h323', 'talent'];

describe('s2 import v1 (CLI, real git)', function () {
  this.timeout(120_000);
  let r: ImportRepo;

  before(function () {
    if (!fixturesPresent()) {
      console.log(`    ${LEGACY_MISSING}`);
      this.skip();
    }
  });
  beforeEach(() => {
    r = new ImportRepo();
  });
  afterEach(() => r?.cleanup());

  it('--dry-run prints the manifest, the states and the report, and writes nothing', async () => {
    const before = r.refs();
    const text = await r.cli(['import', 'v1', '--from', LEGACY_FIXTURES, '--dry-run']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^# manifest/m);
    assert.match(text.stdout, /^swarm: infrafabric$/m);
    assert.match(text.stdout, /^# last known states/m);
    assert.match(text.stdout, /^ndi +working +3 +2025-11-12T20:45:00\.000Z/m);
    assert.match(text.stdout, /^unmapped \(\d+\):$/m);
    assert.match(text.stdout, /coordination\/SESSION-STATUS\.md \[board\] lines [\d, ]*\b10\b/);
    const json = await r.cli(['import', 'v1', '--from', LEGACY_FIXTURES, '--dry-run', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.json().dryRun, true);
    assert.equal(json.json().written, null);
    assert.equal(r.refs(), before, 'no ref moved');
    assert.equal(existsSync(path.join(r.repo, '.s2')), false, 'no .s2 folder');
    assert.equal(existsSync(path.join(r.home, 'keys')), false, 'no key created');
    assert.equal(git(r.repo, 'status', '--porcelain'), '');
  });

  it('imports: s2 status shows sip:4 blocking ndi, webrtc, h323, talent, the v1 times, stale sessions', async () => {
    const t0 = process.hrtime.bigint();
    const imp = await r.cli(['import', 'v1', '--from', LEGACY_FIXTURES, '--json']);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(imp.code, 0, imp.stderr);
    const out = imp.json();
    console.log(`      imported ${out.files} files in ${ms.toFixed(0)} ms (read ${out.timings.readMs} ms, import ${out.timings.importMs} ms, write ${out.timings.writeMs} ms)`);
    const st = await r.cli(['status', '--json']);
    assert.equal(st.code, 0, st.stderr);
    const view = st.json();
    const byId = new Map<string, any>(view.sessions.map((s: any) => [s.id, s])); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual([...byId.keys()], ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent', 'ifbus']);
    for (const id of BLOCKED_BY_SIP_4) {
      assert.deepEqual(byId.get(id).phases[3].needs, ['sip:4'], `${id}:4 needs`);
      assert.deepEqual(byId.get(id).phases[3].blockedBy, ['sip:4'], `${id}:4 is blocked by sip:4`);
    }
    for (const id of ['sip', 'cli', 'ifbus']) assert.deepEqual(byId.get(id).phases[3].blockedBy, [], `${id}:4 waits on nobody`);
    assert.deepEqual(byId.get('talent').phases[5].blockedBy, ['sip:6']);
    const states: { session: string; state: string; phase: number; updatedAt: string }[] = out.states;
    assert.equal(states.length, 6);
    for (const s of states) {
      const v = byId.get(s.session);
      const age = (Date.parse(view.now) - Date.parse(s.updatedAt)) / 1000;
      assert.ok(Math.abs(v.heartbeatAgeSeconds - age) <= 1, `${s.session} heartbeat age ${v.heartbeatAgeSeconds} s, v1 time ${s.updatedAt}`);
      assert.ok(v.heartbeatAgeSeconds > 30 * 24 * 3600, `${s.session} is months old`);
      assert.equal(v.state, 'stale', s.session);
      assert.equal(v.declaredState, s.state, s.session);
      const rec = parse(git(r.repo, 'show', `s2/sessions/${s.session}:.s2/sessions/${s.session}/status.yaml`));
      assert.deepEqual([rec.updatedAt, rec.heartbeatAt, rec.state, rec.phase], [s.updatedAt, s.updatedAt, s.state, s.phase], `${s.session} status record`);
      assert.equal(rec.signature.by, s.session);
    }
    assert.equal(byId.get('cli').state, 'not-started', 'cli has no dated v1 status');
    assert.equal(byId.get('cli').heartbeatAgeSeconds, null);
    assert.deepEqual(view.violations.filter((v: any) => /SIGNATURE|RECORD_INVALID|FOREIGN|CHAIN|REWRITE/.test(v.code)), []); // eslint-disable-line @typescript-eslint/no-explicit-any
    const manifest = parse(git(r.repo, 'show', 'main:.s2/swarm.yaml'));
    assert.deepEqual(manifest.sessions.cli.phases['6'].supports, ['ndi', 'webrtc', 'h323', 'sip', 'talent'], 'cli supports all in phase 6');
    for (const s of Object.values<any>(manifest.sessions)) assert.match(s.publicKey, /BEGIN PUBLIC KEY/); // eslint-disable-line @typescript-eslint/no-explicit-any
    const instr = git(r.repo, 'ls-tree', '-r', '--name-only', 'main', '.s2/instructions').split('\n');
    assert.equal(instr.length, out.instructions.length);
    assert.match(git(r.repo, 'show', 'main:.s2/instructions/ndi/phase-4.md'), /^---\nid: v1\/ndi\/phase-4/);
    assert.equal(git(r.repo, 'log', '-1', '--format=%an <%ae>', 'main'), 's2 <s2@localhost>');
    const text = await r.cli(['status']);
    console.log(text.stdout.split('\n').map((l) => `      ${l}`).join('\n'));

    const before = r.refs();
    const again = await r.cli(['import', 'v1', '--from', LEGACY_FIXTURES, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.json().written.statuses.map((s: { kept?: string }) => s.kept), states.map(() => 'already imported'));
    assert.equal(r.refs(), before, 'importing the same files again writes nothing');
  });

  it('accounts for every fixture file: mapped, or unmapped with a reason and its lines', async () => {
    const imp = await r.cli(['import', 'v1', '--from', LEGACY_FIXTURES, '--dry-run', '--json']);
    assert.equal(imp.code, 0, imp.stderr);
    const { mapped, unmapped } = imp.json().report as { mapped: { path: string; to: string[] }[]; unmapped: { path: string; reason: string; lines: number[] }[] };
    const reported = [...mapped.map((m) => m.path), ...unmapped.map((u) => u.path)].sort();
    assert.deepEqual(reported, fixtureFiles());
    for (const u of unmapped) {
      assert.ok(u.reason.length > 10, u.path);
      assert.ok(Array.isArray(u.lines), u.path);
    }
    for (const m of mapped) assert.ok(m.to.length > 0, m.path);
  });

  it('reads v1 files from git refs: the ref\'s tree, in a folder named after the branch', async () => {
    const src = path.join(LEGACY_FIXTURES, 'coordination');
    git(r.repo, 'switch', '-q', '-c', 'claude/coordination-x');
    cpSync(src, r.repo, { recursive: true });
    git(r.repo, 'add', '.');
    git(r.repo, 'commit', '-q', '-m', 'v1 files');
    git(r.repo, 'switch', '-q', 'main');
    const imp = await r.cli(['import', 'v1', '--from', 'claude/coordination-x', '--dry-run', '--json']);
    assert.equal(imp.code, 0, imp.stderr);
    const out = imp.json();
    assert.equal(out.sources[0].kind, 'ref');
    assert.ok(out.files > 20);
    assert.ok(out.report.mapped.some((m: { path: string }) => m.path === 'claude~coordination-x/PHASES-4-6-COORDINATION-MATRIX.txt'));
    assert.deepEqual(parse(out.manifest).sessions.ndi.phases['4'].needs, ['sip:4']);
    assert.equal(existsSync(path.join(r.repo, '.s2')), false);
  });

  it('refuses a directory with no v1 files (exit 2, nothing written)', async () => {
    const empty = path.join(r.root, 'not-v1');
    mkdirSync(path.join(empty, 'src'), { recursive: true });
    writeFileSync(path.join(empty, 'src', 'main.ts'), 'export {};\n');
    writeFileSync(path.join(empty, 'notes.txt'), 'nothing to see\n');
    const before = r.refs();
    const res = await r.cli(['import', 'v1', '--from', empty]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /no v1 sessions found in .*not-v1 \(2 file\(s\)\).*nothing was written/);
    assert.equal(r.refs(), before);
    assert.equal(existsSync(path.join(r.repo, '.s2')), false);
    assert.equal(existsSync(path.join(r.home, 'keys')), false);
    const usage = await r.cli(['import', 'v2']);
    assert.equal(usage.code, 2);
    const missing = await r.cli(['import', 'v1', '--from', 'no-such-dir-or-ref']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /neither a directory .* nor a git ref/);
  });
});
