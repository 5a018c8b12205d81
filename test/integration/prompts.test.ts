import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { commands } from '../../src/cli/commandTable';
import { parseManifest } from '../../src/core/manifest';
import { renderPrompts } from '../../src/core/prompts/renderPrompts';
import { simpleManifest } from '../helpers/gitFixture';
import { ImportRepo, LEGACY_FIXTURES, requireLegacyFixtures, REPO_ROOT } from '../helpers/importRepo';

const COMMITTED = path.join(REPO_ROOT, 'docs/SESSION-PROMPTS-V2');
const REVIEW_NAMES = [
  'SESSION-1-NDI-AUTO-POLLING-V2.md',
  'SESSION-2-WEBRTC-AUTO-POLLING-V2.md',
  'SESSION-3-H323-AUTO-POLLING-V2.md',
  'SESSION-4-SIP-AUTO-POLLING-V2.md',
  'SESSION-CLI-AUTO-POLLING-V2.md',
  'SESSION-TALENT-AUTO-POLLING-V2.md',
];
const GLOBAL_FLAGS = new Set(['repo', 'session', 'json', 'help']);

/** Every `s2 …` command in a prompt names a real command, and every --flag after it is one of its options. */
function unknownCommands(text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(/`s2 ((?:--session \S+ )?)([a-z-]+)([^`]*)`/g)) {
    const cmd = commands.find((c) => c.name === m[2]);
    if (!cmd) {
      bad.push(`unknown command: ${m[0]}`);
      continue;
    }
    for (const f of m[3]!.matchAll(/--([a-z-]+)/g))
      if (!(f[1]! in cmd.options) && !GLOBAL_FLAGS.has(f[1]!)) bad.push(`unknown flag --${f[1]} in ${m[0]}`);
  }
  return bad;
}

describe('s2 prompts: the committed prompts of the imported v1 swarm', function () {
  this.timeout(120_000);
  let r: ImportRepo;
  let out: string;

  before(async function () {
    requireLegacyFixtures(this);
    r = new ImportRepo();
    const imp = await r.cli(['import', 'v1', '--from', LEGACY_FIXTURES]);
    assert.equal(imp.code, 0, imp.stderr);
    out = path.join(r.root, 'prompts');
    const gen = await r.cli(['prompts', '--out', out]);
    assert.equal(gen.code, 0, gen.stderr);
  });
  after(() => r?.cleanup());

  it('docs/SESSION-PROMPTS-V2 is byte for byte what the generator makes (regenerate: see docs/IMPORT-V1.md)', () => {
    const generated = readdirSync(out).sort();
    assert.ok(existsSync(COMMITTED), `${COMMITTED} is missing`);
    assert.deepEqual(
      readdirSync(COMMITTED)
        .filter((n) => n.endsWith('-AUTO-POLLING-V2.md'))
        .sort(),
      generated,
    );
    for (const f of generated)
      assert.equal(
        readFileSync(path.join(COMMITTED, f), 'utf8'),
        readFileSync(path.join(out, f), 'utf8'),
        `${f} drifted from the generator`,
      );
  });

  it('has the six prompts of the review, plus the one of ifbus, in the same pattern', () => {
    const names = readdirSync(out).sort();
    for (const n of REVIEW_NAMES) assert.ok(names.includes(n), n);
    assert.deepEqual(names, [...REVIEW_NAMES, 'SESSION-7-IFBUS-AUTO-POLLING-V2.md'].sort());
  });

  it('each prompt is deterministic and session-specific, and uses only real commands and flags', () => {
    for (const f of readdirSync(out)) {
      const text = readFileSync(path.join(out, f), 'utf8');
      assert.deepEqual(unknownCommands(text), [], f);
      assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/, `${f} has a date`);
      assert.doesNotMatch(text, /BEGIN (PUBLIC|PRIVATE) KEY/, `${f} has a key`);
      assert.ok(
        !text.includes(r.root) && !text.includes(REPO_ROOT) && !/(^|[\s`(])\/(tmp|home|Users)\//m.test(text),
        `${f} has an absolute path`,
      );
      for (const h of [
        '## Your role and expertise',
        '## Your phases',
        '## Phase validation protocol',
        '## Cross-session validation (s2 verify)',
        '## Blocker help protocol',
        '## Cost budget',
        '## Your polling loop',
        '## Failure recovery',
      ])
        assert.ok(text.includes(h), `${f}: ${h}`);
      for (const k of ['Crash or restart mid-phase', 'git conflict', 'Budget exceeded', 'Tests failing'])
        assert.ok(text.includes(k), `${f}: ${k}`);
    }
    const sip = readFileSync(path.join(out, 'SESSION-4-SIP-AUTO-POLLING-V2.md'), 'utf8');
    assert.match(sip, /your phase 4 is needed by `ndi:4`, `webrtc:4`, `h323:4`, `talent:4`/);
    assert.match(sip, /Budget \$25/);
    assert.match(sip, /`s2 --session sip complete-phase N`/);
    const cli = readFileSync(path.join(out, 'SESSION-CLI-AUTO-POLLING-V2.md'), 'utf8');
    assert.match(cli, /phase 6: you support ndi, webrtc, h323, sip, talent/);
    const ndi = readFileSync(path.join(out, 'SESSION-1-NDI-AUTO-POLLING-V2.md'), 'utf8');
    assert.match(ndi, /\| 4 \| Integration Hardening \| `sip:4` \|/);
    assert.match(ndi, /`s2 --session ndi help sip:4 --task "…"`/);
    assert.match(
      ndi,
      /Phases 1-3 count as complete before S² \(the manifest's `baselinePhase: 3`.*Your first phase under S² is 4: `s2 --session ndi start-phase 4`\./,
    );
    assert.match(
      sip,
      /Needs you verify before your phases: none\./,
      'sip:1 needs h323:1 and webrtc:1, which are in their baselines',
    );
    const webrtc = readFileSync(path.join(out, 'SESSION-2-WEBRTC-AUTO-POLLING-V2.md'), 'utf8');
    assert.match(
      webrtc,
      /\| 1 \| WebRTC Agent Mesh \(IF\.swarm\) \| — \|/,
      'no phase-1 need of webrtc (the IDLE TASK row)',
    );
    assert.doesNotMatch(webrtc, /needed by `sip:1`/, "a baseline phase is nobody's blocker");
    const ifbus = readFileSync(path.join(out, 'SESSION-7-IFBUS-AUTO-POLLING-V2.md'), 'utf8');
    assert.doesNotMatch(ifbus, /before S²/, 'ifbus has no baseline');
  });

  it('--check exits 0 on the generated folder and 1 when a prompt drifted, is missing or is extra', async () => {
    assert.equal((await r.cli(['prompts', '--out', out, '--check'])).code, 0);
    assert.equal(
      (await r.cli(['prompts', '--out', COMMITTED, '--check'])).code,
      0,
      'the committed prompts are current',
    );
    const file = path.join(out, 'SESSION-CLI-AUTO-POLLING-V2.md');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\nedited by hand\n`);
    const drift = await r.cli(['prompts', '--out', out, '--check', '--json']);
    assert.equal(drift.code, 1);
    assert.deepEqual(drift.json().differ, ['SESSION-CLI-AUTO-POLLING-V2.md']);
    writeFileSync(file, original);
    writeFileSync(path.join(out, 'SESSION-OLD-AUTO-POLLING-V2.md'), 'x');
    const extra = await r.cli(['prompts', '--out', out, '--check', '--json']);
    assert.equal(extra.code, 1);
    assert.deepEqual(extra.json().extra, ['SESSION-OLD-AUTO-POLLING-V2.md']);
    assert.equal((await r.cli(['prompts', '--out', path.join(r.root, 'empty'), '--check'])).code, 1);
  });
});

describe('s2 prompts: any other swarm', () => {
  it('names the files SESSION-<ID>-AUTO-POLLING-V2.md and gives the same bytes for the same manifest', () => {
    const plan = parseManifest(simpleManifest(['alpha', 'beta-2'], 3, 'polling:\n  intervalSeconds: 20\n'));
    const a = renderPrompts(plan);
    assert.deepEqual(
      a.map((p) => p.file),
      ['SESSION-ALPHA-AUTO-POLLING-V2.md', 'SESSION-BETA-2-AUTO-POLLING-V2.md'],
    );
    assert.deepEqual(
      renderPrompts(parseManifest(simpleManifest(['alpha', 'beta-2'], 3, 'polling:\n  intervalSeconds: 20\n'))),
      a,
    );
    for (const p of a) {
      assert.deepEqual(unknownCommands(p.text), [], p.file);
      assert.match(p.text, /Wait 20 s, then go to 1/);
    }
  });

  it('puts the phase validation commands and needs of the manifest into the prompt', () => {
    const plan = parseManifest(
      [
        'swarm: t',
        'sessions:',
        '  api:',
        '    budgetUsd: 7',
        '    phaseCount: 2',
        '    phases:',
        '      "2": { title: Ship, validate: ["npm test", "npm run lint"], needs: ["web:1"] }',
        '  web:',
        '    phaseCount: 1',
        '',
      ].join('\n'),
    );
    const api = renderPrompts(plan).find((p) => p.session === 'api')!.text;
    assert.match(api, /\| 2 \| Ship \| `web:1` \| `npm test`<br>`npm run lint` \|/);
    assert.match(api, /Phase 1 has no validation commands in the manifest/);
    assert.match(api, /Budget \$7/);
    const web = renderPrompts(plan).find((p) => p.session === 'web')!.text;
    assert.match(web, /your phase 1 is needed by `api:2`/);
  });
});
