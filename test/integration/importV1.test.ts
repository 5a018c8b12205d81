import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { parseFrontMatter } from '../../src/core/frontMatter';
import { Manifest, parseManifest } from '../../src/core/manifest';
import { importV1 } from '../../src/importer/importV1';
import { classifyFile } from '../../src/importer/v1Files';
import { parseInstruction } from '../../src/importer/v1Instructions';
import { parseMatrix } from '../../src/importer/v1Matrix';
import { parseStatus } from '../../src/importer/v1Status';
import { lastStates } from '../../src/importer/v1States';
import type { ImportV1Result, V1InputFile } from '../../src/importer/v1Types';
import { LEGACY_FIXTURES, requireLegacyFixtures } from '../helpers/importRepo';

const FIXTURES = LEGACY_FIXTURES;

function readTree(dir: string): V1InputFile[] {
  const out: V1InputFile[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push({ path: path.relative(dir, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

const phaseOf = (r: ImportV1Result, session: string, phase: number) =>
  r.manifest.sessions[session]?.phases?.[String(phase)] ?? null;

describe('s2 import v1: the real legacy files', function () {
  let files: V1InputFile[];
  let r: ImportV1Result;
  let ms = 0;

  before(function () {
    requireLegacyFixtures(this);
    files = readTree(FIXTURES);
    const t0 = process.hrtime.bigint();
    r = importV1(files);
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
  });

  it('gives a manifest that parseManifest accepts (through YAML), with the seven sessions under stable ids', () => {
    const plan = parseManifest(stringify(r.manifest));
    assert.deepEqual(
      plan.sessions.map((s) => s.id),
      ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent', 'ifbus'],
    );
    assert.ok(Manifest.safeParse(r.manifest).success);
    assert.deepEqual(
      r.sessions.map((s) => `${s.v1}=${s.id}`),
      ['1-NDI=ndi', '2-WebRTC=webrtc', '3-H.323=h323', '4-SIP=sip', '5-CLI=cli', '6-Talent=talent', '7-IF.bus=ifbus'],
    );
    for (const s of plan.sessions) assert.ok(s.phaseCount >= 6, `${s.id} has ${s.phaseCount} phases`);
  });

  it('phase 4: session 4 (SIP) blocks sessions 1, 2, 3 and 6, and nobody else', () => {
    const plan = parseManifest(stringify(r.manifest));
    const blockedBySip4 = plan.sessions
      .filter((s) => s.phases[3]!.needs.some((n) => n.session === 'sip' && n.phase === 4))
      .map((s) => s.id);
    assert.deepEqual(blockedBySip4, ['ndi', 'webrtc', 'h323', 'talent']);
    for (const id of ['ndi', 'webrtc', 'h323', 'talent']) assert.deepEqual(phaseOf(r, id, 4)?.needs, ['sip:4'], id);
    assert.equal(phaseOf(r, 'sip', 4)?.needs, undefined);
    assert.equal(phaseOf(r, 'cli', 4)?.needs, undefined);
  });

  it('phase 6: session 4 gates session 6; phase 5 is fully parallel', () => {
    assert.deepEqual(phaseOf(r, 'talent', 6)?.needs, ['sip:6']);
    for (const id of ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent'])
      assert.equal(phaseOf(r, id, 5)?.needs, undefined, id);
  });

  it('no phase-1 deadlock: an IDLE TASK row is not a need; sip:1 still needs h323:1 and webrtc:1 (the starter)', () => {
    assert.equal(
      phaseOf(r, 'webrtc', 1)?.needs,
      undefined,
      '"Run while blocked on Session 4 SIP" is when to do an idle task',
    );
    assert.deepEqual(
      phaseOf(r, 'sip', 1)?.needs,
      ['h323:1', 'webrtc:1'],
      'session-4-sip-escalate.md line 6: Dependencies: H.323 (Session 3), WebRTC (Session 2)',
    );
    const starter = r.report.mapped.find(
      (m) => m.path === 'coordination/docs/SESSION-STARTERS/session-2-webrtc-swarm.md',
    )!;
    assert.ok(!starter.to.some((t) => /needs/.test(t)), starter.to.join('\n'));
    assert.ok(
      starter.notes.some((n) => /^line 292: idle task of webrtc:4 "Cross-session test fixtures/.test(n)),
      starter.notes.join('\n'),
    );
    assert.ok(
      starter.notes.some((n) => /^line 308: idle task of webrtc:10 /.test(n)),
      'a phase-10 row of a phase-1 file is not phase 1',
    );
    const plan = parseManifest(stringify(r.manifest));
    const needs = plan.sessions.flatMap((s) =>
      s.phases.flatMap((p) => p.needs.map((n) => `${s.id}:${p.phase}>${n.session}:${n.phase}`)),
    );
    assert.deepEqual(needs.sort(), [
      'h323:4>sip:4',
      'ndi:4>sip:4',
      'sip:1>h323:1',
      'sip:1>webrtc:1',
      'talent:4>sip:4',
      'talent:6>sip:6',
      'webrtc:4>sip:4',
    ]);
  });

  it('baseline: the phases v1 says are complete, capped where a need was still open', () => {
    const base = Object.fromEntries(Object.entries(r.manifest.sessions).map(([id, s]) => [id, s.baselinePhase ?? 0]));
    assert.deepEqual(base, { ndi: 3, webrtc: 3, h323: 3, sip: 3, cli: 3, talent: 3, ifbus: 0 });
    const by = new Map(r.baselines.map((b) => [b.session, b]));
    assert.equal(
      by.get('cli')!.claimed!.source,
      'coordination/INSTRUCTIONS-SESSION-CLI-PHASE-4.md:3',
      "cli never wrote a status; the orchestrator's header says Phase 3 Complete",
    );
    assert.equal(by.get('ndi')!.claimed!.by, 'instruction');
    assert.equal(
      by.get('sip')!.claimed!.source,
      'coordination/STATUS-SESSION-7-STARTED.md:12',
      'sip: active in "Phase 4+ Integration"',
    );
    assert.equal(by.get('h323')!.claimed!.through, 6);
    assert.match(by.get('h323')!.capped!, /^h323:4 needs sip:4, and sip's baseline is 3/);
    assert.equal(by.get('talent')!.claimed!.through, 6);
    assert.match(by.get('talent')!.capped!, /^talent:4 needs sip:4/);
    assert.equal(by.get('webrtc')!.capped, null);
    const h323 = r.report.mapped.find((m) => m.path === 'h323-guardian-council/STATUS-PHASE-4-6-COMPLETE.md')!;
    assert.ok(
      h323.to.some((t) => /^baseline of h323: .* claims phases 1-6; baselinePhase 3 only: h323:4 needs sip:4/.test(t)),
      h323.to.join('\n'),
    );
    for (const s of r.states) {
      assert.equal(s.baselinePhase, r.manifest.sessions[s.session]!.baselinePhase ?? 0);
      assert.equal(
        s.phase,
        s.baselinePhase + 1,
        `${s.session}: the status is about the first phase after the baseline`,
      );
    }
  });

  it('session 5 (CLI) supports all the others in phases 4-6, without a dependency', () => {
    const cli = r.supports.filter((s) => s.session === 'cli');
    assert.deepEqual(
      cli.map((s) => s.phase),
      [4, 5, 6],
    );
    for (const s of cli)
      for (const id of ['ndi', 'webrtc', 'h323', 'sip'])
        assert.ok(s.supports.includes(id), `cli supports ${id} in ${s.phase}`);
    assert.deepEqual(cli.find((s) => s.phase === 6)!.supports, ['ndi', 'webrtc', 'h323', 'sip', 'talent']);
    assert.match(cli[0]!.source, /PHASES-4-6-COORDINATION-MATRIX\.txt:\d+$/);
    for (const n of [4, 5, 6]) assert.equal(phaseOf(r, 'cli', n)?.needs, undefined);
  });

  it('help tasks land on the phase they help: the blocker sip:4, and the targets of "Help N (task)"', () => {
    assert.ok(phaseOf(r, 'sip', 4)?.helpTasks?.some((t) => /NDI side of SIP-NDI bridge/.test(t)));
    assert.ok(phaseOf(r, 'webrtc', 4)?.helpTasks?.includes('WebRTC docs'));
    assert.ok(phaseOf(r, 'cli', 4)?.helpTasks?.includes('CLI tests'));
    assert.ok(
      r.idleTasks.some(
        (t) => t.session === 'webrtc' && t.phase === 4 && t.task === 'Build cross-session test fixtures',
      ),
    );
  });

  it('phase titles, expertise and stated budgets', () => {
    assert.equal(phaseOf(r, 'ndi', 4)?.title, 'Integration Hardening');
    assert.equal(phaseOf(r, 'talent', 6)?.title, 'Final Production + Autonomous Mode');
    assert.equal(phaseOf(r, 'ifbus', 4)?.title, 'Call Control (originate, hangup, transfer)');
    assert.ok(r.manifest.sessions['sip']!.expertise!.includes('kamailio'));
    assert.equal(r.manifest.sessions['ndi']!.budgetUsd, 40, 'the allocation ($40) over the starter ($20)');
    assert.equal(r.manifest.sessions['sip']!.budgetUsd, 25);
    assert.equal(r.manifest.sessions['talent']!.budgetUsd, undefined, 'no budget stated: the v2 default applies');
  });

  it('a -REVISED instruction supersedes the one it revises', () => {
    const ndi4 = r.instructions.find((i) => i.session === 'ndi' && i.phase === 4)!;
    assert.equal(ndi4.source, 'coordination/INSTRUCTIONS-SESSION-1-PHASE-4-REVISED.md');
    assert.equal(ndi4.path, '.s2/instructions/ndi/phase-4.md');
    const fm = parseFrontMatter(ndi4.text);
    assert.equal(fm.data['id'], 'v1/ndi/phase-4');
    assert.equal(fm.data['source'], 'coordination/INSTRUCTIONS-SESSION-1-PHASE-4-REVISED.md');
    assert.ok((fm.data['supersedes'] as string[]).includes('coordination/INSTRUCTIONS-SESSION-1-PHASE-4.md'));
    assert.match(fm.body, /Phase 4 REVISED/);
    const old = r.report.unmapped.find((u) => u.path === 'coordination/INSTRUCTIONS-SESSION-1-PHASE-4.md')!;
    assert.match(old.reason, /superseded by coordination\/INSTRUCTIONS-SESSION-1-PHASE-4-REVISED\.md/);
    assert.equal(
      r.instructions.find((i) => i.session === 'h323' && i.phase === 7)!.source,
      'coordination/INSTRUCTIONS-SESSION-3-PHASE-7-REVISED.md',
    );
    assert.equal(
      r.instructions.find((i) => i.session === 'sip' && i.phase === 4)!.source,
      'coordination/INSTRUCTIONS-SESSION-4-PHASE-4-REVISED.md',
    );
  });

  it('a multi-phase instruction is cut to its phase, one v2 instruction per session and phase', () => {
    const keys = r.instructions.map((i) => `${i.session}:${i.phase}`);
    assert.equal(new Set(keys).size, keys.length);
    const bus5 = r.instructions.find((i) => i.session === 'ifbus' && i.phase === 5)!;
    assert.match(bus5.text, /## Phase 5: Advanced Features/);
    assert.doesNotMatch(bus5.text, /## Phase 6/);
  });

  it('states carry their own timestamps and sources; old ones are recognisable as stale', () => {
    const byId = new Map(r.states.map((s) => [s.session, s]));
    const ndi = byId.get('ndi')!;
    assert.equal(ndi.updatedAt, '2025-11-12T20:45:00.000Z');
    assert.equal(ndi.source, 'ndi-witness-streaming/STATUS-SESSION-1-NDI.yaml:2');
    assert.equal(ndi.v1.state, 'working');
    assert.equal(
      byId.get('webrtc')!.updatedAt,
      '2025-11-12T20:10:00.000Z',
      'read from a status YAML that does not parse',
    );
    assert.equal(byId.get('h323')!.v1.phase, 7, 'v1: phases 4-6 complete → next is 7');
    assert.deepEqual(
      [byId.get('h323')!.phase, byId.get('h323')!.state, byId.get('h323')!.blockedOn],
      [4, 'blocked', ['sip:4']],
      'aligned with the baseline: h323:4 waits on sip:4',
    );
    assert.equal(byId.get('sip')!.state, 'working');
    assert.equal(byId.get('sip')!.phase, 4);
    assert.deepEqual([ndi.v1.state, ndi.v1.phase, ndi.state, ndi.phase], ['working', 3, 'blocked', 4]);
    assert.ok(
      ndi.notes.some((n) => /v1 said working in phase 3 \("active"\); written as blocked in phase 4 on sip:4/.test(n)),
    );
    for (const s of r.states) {
      assert.ok(!Number.isNaN(Date.parse(s.updatedAt)), `${s.session} updatedAt ${s.updatedAt}`);
      assert.match(s.source, /:\d+$/);
    }
    const now = Date.parse('2025-11-13T00:00:00Z');
    const stale = r.states.filter((s) => now - Date.parse(s.updatedAt) > 24 * 3600e3).map((s) => s.session);
    assert.deepEqual(stale.sort(), ['ifbus', 'sip']);
  });

  it('accounts for every file: mapped or unmapped with a reason, never both, never dropped', () => {
    const mapped = new Set(r.report.mapped.map((m) => m.path));
    const unmapped = new Set(r.report.unmapped.map((u) => u.path));
    for (const f of files) assert.ok(mapped.has(f.path) !== unmapped.has(f.path), f.path);
    assert.equal(mapped.size + unmapped.size, files.length);
    for (const u of r.report.unmapped) assert.ok(u.reason.length > 10, u.path);
    for (const m of r.report.mapped) assert.ok(m.to.length > 0, m.path);
    const board = r.report.unmapped.find((u) => u.path === 'coordination/SESSION-STATUS.md')!;
    assert.match(board.reason, /Cloud Provider APIs/);
    assert.ok(board.lines.includes(10));
    const yamlNote = r.report.mapped.find((m) => m.path === 'realtime-parallel-sessions/STATUS-SESSION-6-TALENT.yaml')!;
    assert.ok(yamlNote.notes.some((n) => /YAML does not parse \(line 24/.test(n)));
    const clock = r.report.mapped.find((m) => m.path === 'h323-guardian-council/STATUS-SESSION-3-H323.yaml')!;
    assert.ok(clock.notes.some((n) => /after its branch's last commit/.test(n)));
  });

  it('is deterministic and independent of input order; reports its time', () => {
    const again = importV1([...files].reverse());
    assert.deepEqual(again, r);
    console.log(
      `      imported ${files.length} files in ${ms.toFixed(1)} ms (${r.report.mapped.length} mapped, ${r.report.unmapped.length} unmapped)`,
    );
  });
});

describe('s2 import v1: parsers on inline text', () => {
  it('the matrix: BLOCKED by, SUPPORT, WAIT for, Help N (task), the summary lines', () => {
    const text = [
      'PHASE 4: Hardening [Critical Blocker: Session 4]',
      '──────',
      '1-NDI     | fix | BLOCKED by 4 | IDLE: Help 2 (docs), 5 (tests)',
      '2-WebRTC  | mesh | BLOCKED by 4 | IDLE: Build fixtures',
      '4-SIP     | bridge | None | IDLE: None (unblock path)',
      '5-CLI     | tools | SUPPORT 1,2,4 | IDLE: Pre-build',
      '6-Talent  | scan | SUPPORT 4 | IDLE: Routing',
      '',
      'PHASE 6: Final [Session 4 gates Session 6]',
      '5-CLI     | monitor | SUPPORT all | ✓ Reports',
      '6-Talent  | autonomy | WAIT for 4 | ✓ Deploy',
      '',
      'P4 Blocker:    Session 4 (SIP) unblocks Sessions 1,2,6 after Phase 4 complete',
      'Cost Monitor:  Session 5 tracks all sessions',
    ].join('\n');
    const m = parseMatrix(text, 'M.txt');
    const needs = [...new Set(m.needs.map((n) => `${n.session}:${n.phase}>${n.on}`))].sort();
    assert.deepEqual(needs, ['ndi:4>sip:4', 'talent:4>sip:4', 'talent:6>sip:6', 'webrtc:4>sip:4']);
    assert.deepEqual(
      m.supports.map((s) => `${s.session}:${s.phase}>${s.supports.join(',')}`),
      ['cli:4>ndi,webrtc,sip', 'talent:4>sip', 'cli:6>ndi,webrtc,sip,talent'],
    );
    assert.deepEqual(
      m.helpTasks.map((h) => `${h.session}:${h.phase} ${h.task}`),
      ['webrtc:4 docs', 'cli:4 tests'],
    );
    assert.deepEqual(
      m.idleTasks.map((h) => `${h.session} ${h.task}`),
      ['webrtc Build fixtures', 'cli Pre-build', 'talent Routing'],
    );
    assert.equal(m.needs.find((n) => n.session === 'ndi')!.source, 'M.txt:3');
    assert.ok(m.notes.some((n) => n.line === 14 && /Cost Monitor/.test(n.text)));
    assert.ok(m.notes.some((n) => n.line === 10 && /success criterion/.test(n.text)));
  });

  it('an instruction: a phase table in a one-phase file, an IDLE TASK row, the Status header', () => {
    const text = [
      '# Session 2: WebRTC Agent Mesh',
      '',
      '**Status:** Phases 2-3 Complete ✅',
      '',
      '| Phase | Task | File | Model | IF BLOCKED |',
      '|-------|------|------|-------|-----------|',
      '| **4** | Mesh stability | a.ts | GPT-5 | Waiting on SIP (Session 4) → Help with H.323 load tests (Session 3) |',
      '| **6** | Auto-heal | b.ts | Claude | Independent |',
      '| — | **IDLE TASK:** Cross-session fixtures | f.json | Any | Run while blocked on Session 4 SIP |',
      '',
      '**BLOCKED** waiting Session 3 (H.323)',
      '**IDLE:** If blocked on Session 4, build fixtures',
    ].join('\n');
    const f = parseInstruction(
      classifyFile({ path: 'coordination/INSTRUCTIONS-SESSION-2-PHASE-2.md', text }, new Set()),
    );
    assert.deepEqual(
      f.needs.map((n) => `${n.session}:${n.phase}>${n.on}`),
      ['webrtc:2>h323:2'],
      'only the unconditional BLOCKED line',
    );
    assert.deepEqual(
      f.completed.map((c) => [c.session, c.through, c.source]),
      [['webrtc', 3, 'coordination/INSTRUCTIONS-SESSION-2-PHASE-2.md:3']],
    );
    assert.ok(
      f.notes.some((n) => /^line 9: idle task of webrtc:4 "Cross-session fixtures"/.test(n)),
      f.notes.join('\n'),
    );
  });

  const status = (p: string, text: string) => parseStatus(classifyFile({ path: p, text }, new Set()), undefined);

  it('a YAML status, even one that does not parse, gives state, timestamp and blocker', () => {
    const s = status(
      'STATUS-SESSION-1-NDI.yaml',
      [
        'session: session-1-ndi',
        'status: blocked',
        'timestamp: 2025-11-12T20:45:00Z',
        'blocked_on: Session 4 (SIP) Phase 4',
        'bad: [a: b: c',
      ].join('\n'),
    );
    assert.equal(s.session, 'ndi');
    assert.equal(s.candidate!.kind, 'blocked');
    assert.equal(s.candidate!.updatedAt, '2025-11-12T20:45:00.000Z');
    assert.deepEqual(s.candidate!.blockedOn, ['sip:4']);
    assert.equal(s.candidate!.source, 'STATUS-SESSION-1-NDI.yaml:2');
    assert.ok(s.notes.some((n) => /YAML does not parse/.test(n)));
  });

  it('a markdown status: session from the title, phase from the status word, a date-only timestamp', () => {
    const s = status(
      'x/STATUS-PHASE-2-AGENT-6.md',
      [
        '# Agent 6 (IF.talent) - Phase 2 Status',
        '',
        '**Status:** phase_2_complete ✅',
        '**Completed:** 2025-11-11',
      ].join('\n'),
    );
    assert.equal(s.session, 'talent');
    assert.deepEqual([s.candidate!.kind, s.candidate!.completed], ['finished', [2, 2]]);
    assert.equal(s.candidate!.updatedAt, '2025-11-11T00:00:00.000Z');
    assert.equal(s.candidate!.dateOnly, true);
    const { states } = lastStates([s.candidate!], new Map([['talent', 6]]));
    assert.deepEqual([states[0]!.state, states[0]!.phase], ['idle', 3]);
    const last = lastStates([{ ...s.candidate!, completed: [4, 6] }], new Map([['talent', 6]])).states[0]!;
    assert.deepEqual([last.state, last.phase], ['done', 6]);
  });

  it('a status with a session number and a name that disagree is not attributed', () => {
    const s = status(
      'STATUS.md',
      ['# Session 3: SIP/Communication APIs', '**Status:** active', '**Timestamp:** 2025-11-14 09:00 UTC'].join('\n'),
    );
    assert.equal(s.session, undefined);
    assert.ok(s.notes.some((n) => /names session 3 and sip/.test(n)));
  });
});
