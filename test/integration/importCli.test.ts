import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { git } from '../helpers/gitFixture';
import { fixtureFiles, ImportRepo, LEGACY_FIXTURES, requireLegacyFixtures } from '../helpers/importRepo';

const BLOCKED_BY_SIP_4 = ['ndi', 'webrtc', 'h323', 'talent'];

describe('s2 import v1 (CLI, real git)', function () {
  this.timeout(120_000);
  let r: ImportRepo;

  before(function () {
    requireLegacyFixtures(this);
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
    assert.match(text.stdout, /^ndi +blocked +4 +2025-11-12T20:45:00\.000Z +sip:4 /m);
    assert.match(text.stdout, /^ {4}baselinePhase: 3$/m);
    assert.match(text.stdout, /ndi: v1 said working in phase 3 \("active"\); written as blocked in phase 4 on sip:4/);
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

  it('imports: s2 status shows sip:4 blocking ndi, webrtc, h323, talent from the v1 baseline, the v1 times, stale sessions', async () => {
    const t0 = process.hrtime.bigint();
    const imp = await r.cli(['import', 'v1', '--from', LEGACY_FIXTURES, '--json']);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(imp.code, 0, imp.stderr);
    const out = imp.json();
    console.log(
      `      imported ${out.files} files in ${ms.toFixed(0)} ms (read ${out.timings.readMs} ms, import ${out.timings.importMs} ms, write ${out.timings.writeMs} ms)`,
    );
    const manifest = parse(git(r.repo, 'show', 'main:.s2/swarm.yaml'));
    for (const id of [...BLOCKED_BY_SIP_4, 'sip', 'cli'])
      assert.equal(manifest.sessions[id].baselinePhase, 3, `${id}: phases 1-3 complete before S²`);
    assert.equal(manifest.sessions.ifbus.baselinePhase, undefined, 'ifbus was in phase 1');

    const st = await r.cli(['status', '--json']);
    assert.equal(st.code, 0, st.stderr);
    const view = st.json();
    const byId = new Map<string, any>(view.sessions.map((s: any) => [s.id, s])); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual([...byId.keys()], ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent', 'ifbus']);
    // Phase 4: session 4 (SIP) blocks sessions 1, 2, 3 and 6, and nobody else; no deadlock.
    assert.equal(view.blockers.length, 1, JSON.stringify(view.blockers));
    assert.equal(view.blockers[0].session, 'sip');
    assert.deepEqual(view.blockers[0].phases, ['sip:4']);
    assert.deepEqual([...view.blockers[0].blocks].sort(), ['h323', 'ndi', 'talent', 'webrtc']);
    assert.deepEqual(view.deadlocks, []);
    for (const id of BLOCKED_BY_SIP_4) {
      const v = byId.get(id);
      assert.equal(v.phase, 4, `${id} is in phase 4`);
      assert.deepEqual(v.blockedBy, ['sip:4'], `${id} is blocked by sip:4`);
      assert.deepEqual(v.phases[3].needs, ['sip:4'], `${id}:4 needs`);
      assert.deepEqual(v.phases[3].blockedBy, ['sip:4'], `${id}:4 is blocked by sip:4`);
      assert.equal(v.phases[3].state, 'blocked', `${id}:4`);
    }
    for (const id of [...BLOCKED_BY_SIP_4, 'sip', 'cli']) {
      assert.deepEqual(
        byId
          .get(id)
          .phases.slice(0, 3)
          // eslint-disable-next-line @typescript-eslint/no-explicit-any -- --json output
          .map((p: any) => [p.state, p.completedBy, p.commit]),
        [1, 2, 3].map(() => ['verified', 'manifest', null]),
        `${id}: phases 1-3 are the baseline`,
      );
    }
    assert.deepEqual(byId.get('sip').blocks.sort(), ['h323', 'ndi', 'talent', 'webrtc']);
    assert.deepEqual(byId.get('sip').blockedBy, []);
    assert.equal(byId.get('sip').phase, 4);
    assert.deepEqual(byId.get('cli').blockedBy, [], 'cli supports, it does not wait');
    assert.deepEqual(byId.get('cli').blocks, []);
    assert.equal(byId.get('cli').phase, 4);
    assert.equal(byId.get('ifbus').phase, 1);
    assert.deepEqual(byId.get('talent').phases[5].blockedBy, ['sip:6']);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- --json output
    const bad = view.violations.filter((v: any) =>
      /SKIPPED|REPEATED|DEADLOCK|FALSE_BLOCKER|SIGNATURE|RECORD_INVALID|FOREIGN|CHAIN|REWRITE/.test(v.code),
    );
    assert.deepEqual(bad, [], 'no skipped or repeated phase, no deadlock, no false blocker, no bad record');

    // The statuses: v1 times kept, aligned with the baseline, stale.
    const states: {
      session: string;
      state: string;
      phase: number;
      updatedAt: string;
      v1: { state: string; phase: number };
    }[] = out.states;
    assert.deepEqual(
      states.map((s) => `${s.session} ${s.state} ${s.phase} ${s.updatedAt}`),
      [
        'ndi blocked 4 2025-11-12T20:45:00.000Z',
        'webrtc blocked 4 2025-11-12T20:10:00.000Z',
        'h323 blocked 4 2025-11-14T22:15:00.000Z',
        'sip working 4 2025-11-11T00:00:00.000Z',
        'talent blocked 4 2025-11-12T23:00:00.000Z',
        'ifbus working 1 2025-11-11T00:00:00.000Z',
      ],
    );
    assert.deepEqual(
      states.find((s) => s.session === 'h323')!.v1,
      { state: 'idle', phase: 7, blockedOn: [] },
      'what v1 claimed is kept',
    );
    for (const s of states) {
      const v = byId.get(s.session);
      const age = (Date.parse(view.now) - Date.parse(s.updatedAt)) / 1000;
      assert.ok(
        Math.abs(v.heartbeatAgeSeconds - age) <= 1,
        `${s.session} heartbeat age ${v.heartbeatAgeSeconds} s, v1 time ${s.updatedAt}`,
      );
      assert.ok(v.heartbeatAgeSeconds > 30 * 24 * 3600, `${s.session} is months old`);
      assert.equal(v.state, 'stale', s.session);
      assert.equal(v.declaredState, s.state, s.session);
      const rec = parse(git(r.repo, 'show', `s2/sessions/${s.session}:.s2/sessions/${s.session}/status.yaml`));
      assert.deepEqual(
        [rec.updatedAt, rec.heartbeatAt, rec.state, rec.phase],
        [s.updatedAt, s.updatedAt, s.state, s.phase],
        `${s.session} status record`,
      );
      assert.equal(rec.signature.by, s.session);
      if (s.state === 'blocked') {
        assert.deepEqual(
          rec.blockedOn.map((b: { on: string }) => b.on),
          ['sip:4'],
          s.session,
        );
        assert.match(
          rec.blockedOn[0].reason,
          new RegExp(`^${s.session}:4 needs sip:4, which v1 never completed \\(baseline; v1 .+:\\d+: `),
        );
        assert.equal(rec.blockedOn[0].since, s.updatedAt);
      }
    }
    assert.equal(byId.get('cli').state, 'idle', 'cli has no dated v1 status, but its baseline puts it at phase 4');
    assert.equal(byId.get('cli').heartbeatAgeSeconds, null);

    // cli's SUPPORT relation: in the manifest (for s2 prompts) and in the import's --json, not a dependency.
    assert.deepEqual(
      out.supports.filter((x: { session: string }) => x.session === 'cli').map((x: { phase: number }) => x.phase),
      [4, 5, 6],
    );
    assert.deepEqual(manifest.sessions.cli.phases['4'].supports, ['ndi', 'webrtc', 'h323', 'sip']);
    assert.deepEqual(
      manifest.sessions.cli.phases['6'].supports,
      ['ndi', 'webrtc', 'h323', 'sip', 'talent'],
      'cli supports all in phase 6',
    );
    assert.equal(manifest.sessions.cli.phases['4'].needs, undefined);
    for (const s of Object.values<any>(manifest.sessions)) assert.match(s.publicKey, /BEGIN PUBLIC KEY/); // eslint-disable-line @typescript-eslint/no-explicit-any
    const instr = git(r.repo, 'ls-tree', '-r', '--name-only', 'main', '.s2/instructions').split('\n');
    assert.equal(instr.length, out.instructions.length);
    assert.match(git(r.repo, 'show', 'main:.s2/instructions/ndi/phase-4.md'), /^---\nid: v1\/ndi\/phase-4/);
    assert.equal(git(r.repo, 'log', '-1', '--format=%an <%ae>', 'main'), 's2 <s2@localhost>');

    // The text table says the same.
    const text = await r.cli(['status']);
    assert.equal(text.code, 0, text.stderr);
    console.log(
      text.stdout
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n'),
    );
    const row = (id: string) => text.stdout.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
    for (const id of BLOCKED_BY_SIP_4)
      assert.match(row(id), new RegExp(`^${id} +stale +4/\\d+ +\\d+ h .* sip:4\\s*$`), row(id));
    assert.match(row('sip'), /^sip +stale +4\/10 +\d+ h .* blocks 4\s*$/, row('sip'));
    assert.match(row('cli'), /^cli +idle +4\/10 +— /, row('cli'));
    assert.doesNotMatch(row('cli'), /sip:|blocks/, 'cli is not blocked and blocks nobody');
    assert.match(row('ifbus'), /^ifbus +stale +1\/10 /, row('ifbus'));
    assert.doesNotMatch(text.stdout, /DEADLOCK|PHASE_SKIPPED/);

    const before = r.refs();
    const again = await r.cli(['import', 'v1', '--from', LEGACY_FIXTURES, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      again.json().written.statuses.map((s: { kept?: string }) => s.kept),
      states.map(() => 'already imported'),
    );
    assert.equal(r.refs(), before, 'importing the same files again writes nothing');
  });

  it('accounts for every fixture file: mapped, or unmapped with a reason and its lines', async () => {
    const imp = await r.cli(['import', 'v1', '--from', LEGACY_FIXTURES, '--dry-run', '--json']);
    assert.equal(imp.code, 0, imp.stderr);
    const { mapped, unmapped } = imp.json().report as {
      mapped: { path: string; to: string[] }[];
      unmapped: { path: string; reason: string; lines: number[] }[];
    };
    const reported = [...mapped.map((m) => m.path), ...unmapped.map((u) => u.path)].sort();
    assert.deepEqual(reported, fixtureFiles());
    for (const u of unmapped) {
      assert.ok(u.reason.length > 10, u.path);
      assert.ok(Array.isArray(u.lines), u.path);
    }
    for (const m of mapped) assert.ok(m.to.length > 0, m.path);
  });

  it("reads v1 files from git refs: the ref's tree, in a folder named after the branch", async () => {
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
    assert.ok(
      out.report.mapped.some(
        (m: { path: string }) => m.path === 'claude~coordination-x/PHASES-4-6-COORDINATION-MATRIX.txt',
      ),
    );
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
