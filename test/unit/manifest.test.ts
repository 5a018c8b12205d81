import { strict as assert } from 'node:assert';
import { S2Error } from '../../src/core/errors';
import { parseManifest } from '../../src/core/manifest';

const ISSUE_SHAPE = `swarm: demo
sessions:
  sip:
    title: SIP escalation
    expertise: [sip, telephony]
    budgetUsd: 20
    maxAgents: 7
    phases:
      4: { needs: [ndi:3, webrtc:3], validate: ["npm test"] }
    phaseCount: 10
  ndi: { phaseCount: 10 }
  webrtc: { phaseCount: 10 }
`;

function errorOf(text: string): S2Error {
  try {
    parseManifest(text);
  } catch (e) {
    if (e instanceof S2Error) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('manifest', () => {
  it('accepts the shape scripts write by hand and fills in defaults', () => {
    const plan = parseManifest(ISSUE_SHAPE);
    const sip = plan.sessions.find((s) => s.id === 'sip')!;
    assert.equal(sip.phases.length, 10);
    assert.deepEqual(sip.phases[3]!.needs, [
      { session: 'ndi', phase: 3 },
      { session: 'webrtc', phase: 3 },
    ]);
    assert.deepEqual(sip.phases[3]!.validate, ['npm test']);
    assert.equal(sip.branch, 's2/work/sip');
    assert.equal(plan.verification, 'required');
    assert.equal(plan.polling.intervalSeconds, 30);
    assert.equal(plan.polling.heartbeatSeconds, 60);
  });

  const cases: [string, string, RegExp][] = [
    ['YAML syntax', 'swarm: x\nsessions: {a: [\n', /swarm\.yaml:\d+: YAML syntax error/],
    ['no sessions', 'swarm: x\nsessions: {}\n', /the swarm has no sessions/],
    [
      'wrong type',
      'swarm: x\nsessions:\n  a:\n    maxAgents: many\n',
      /swarm\.yaml:4: sessions\.a\.maxAgents: Expected number/,
    ],
    ['unknown need', 'swarm: x\nsessions:\n  a:\n    phases:\n      1: { needs: [b:1] }\n', /no session "b"/],
    [
      'need past the end',
      'swarm: x\nsessions:\n  a: { phaseCount: 2 }\n  b:\n    phases:\n      1: { needs: [a:3] }\n',
      /a has 2 phases/,
    ],
    ['bad need text', 'swarm: x\nsessions:\n  a:\n    phases:\n      1: { needs: [a-3] }\n', /SESSION:PHASE/],
    [
      'phase out of range',
      'swarm: x\nsessions:\n  a:\n    phaseCount: 3\n    phases:\n      7: {}\n',
      /phase 7 is outside 1\.\.3/,
    ],
    [
      'own later phase',
      'swarm: x\nsessions:\n  a:\n    phases:\n      2: { needs: [a:2] }\n',
      /cannot need its own later phase/,
    ],
    ['duplicate key', 'swarm: x\nsessions:\n  a: {}\n  a: {}\n', /YAML syntax error/],
    [
      'a typo that would switch validation off',
      'swarm: x\nsessions:\n  a:\n    phases:\n      1:\n        valdiate: ["false"]\n',
      /swarm\.yaml:6: sessions\.a\.phases\.1: unknown key "valdiate" \(did you mean "validate"\?\)/,
    ],
    [
      'an unknown top-level key',
      'swarm: x\npoling: {}\nsessions:\n  a: {}\n',
      /swarm\.yaml:2: \(top\): unknown key "poling" \(did you mean "polling"\?\)/,
    ],
    [
      'an unknown polling key',
      'swarm: x\npolling:\n  maxAttempt: 2\nsessions:\n  a: {}\n',
      /swarm\.yaml:3: polling: unknown key "maxAttempt" \(did you mean "maxAttempts"\?\)/,
    ],
    [
      'an unknown approver key',
      'swarm: x\napprovers:\n  o: { pubkey: x }\nsessions:\n  a: {}\n',
      /approvers\.o: unknown key "pubkey"/,
    ],
  ];
  for (const [name, text, message] of cases) {
    it(`rejects ${name} with a message that says what and where`, () => {
      const e = errorOf(text);
      assert.ok(['MANIFEST_INVALID', 'YAML_SYNTAX'].includes(e.code));
      assert.match(e.message, message);
    });
  }
});

describe('manifest phase count', () => {
  it('is the highest phase listed under phases when phaseCount is absent, else 10', () => {
    const plan = parseManifest('swarm: x\nsessions:\n  a:\n    phases:\n      3: { validate: [echo] }\n  b: {}\n');
    assert.equal(plan.sessions[0]!.phaseCount, 3);
    assert.equal(plan.sessions[1]!.phaseCount, 10);
  });

  it('keeps the importer fields (promptName, supports) in the schema', () => {
    const plan = parseManifest(
      'swarm: x\nsessions:\n  a:\n    promptName: SESSION-1-A\n    phases:\n      1: { supports: [b] }\n  b: {}\n',
    );
    assert.equal(plan.raw.sessions['a']!.promptName, 'SESSION-1-A');
  });
});

describe('manifest baseline (history from before S²)', () => {
  it('counts phases up to baselinePhase as complete, and the next one as current', async () => {
    const { computeView } = await import('../../src/core/view');
    const plan = parseManifest(
      'swarm: x\nsessions:\n  sip: { phaseCount: 10, baselinePhase: 3 }\n  ndi:\n    phaseCount: 10\n    baselinePhase: 3\n    phases:\n      4: { needs: [sip:4] }\n',
    );
    const { emptySession } = await import('../../src/core/snapshot');
    const view = computeView(
      {
        id: 'x',
        plan,
        coordinationTip: 'c',
        sessions: { sip: emptySession('sip'), ndi: emptySession('ndi') },
        approvals: [],
        instructions: [],
        problems: [],
        commits: new Map(),
      },
      new Date(),
    );
    const ndi = view.sessions.find((s) => s.id === 'ndi')!;
    assert.equal(ndi.phase, 4);
    assert.deepEqual(ndi.blockedBy, ['sip:4']);
    assert.equal(ndi.phases[2]!.state, 'verified');
    assert.deepEqual(ndi.phases[2]!.verifiedBy, ['manifest baseline']);
    assert.equal(ndi.phases[2]!.commit, null);
    assert.deepEqual(
      view.blockers.map((b) => b.session),
      ['sip'],
    );
  });
});

describe('manifest size caps', () => {
  /** A session entry as `s2 init` writes one: about 20 lines with its public key (PEM). */
  const pem = `-----BEGIN PUBLIC KEY-----\n      MCowBQYDK2VwAyEA${'A'.repeat(43)}=\n      -----END PUBLIC KEY-----`;
  const session = (i: number): string =>
    `  s${i}:\n    title: Session s${i}\n    expertise: [area-${i % 5}]\n    budgetUsd: 40\n    maxAgents: 7\n    phaseCount: 10\n    phases:\n${Array.from({ length: 9 }, (_, p) => `      ${p + 2}: { needs: ["s${i + 1}:${p + 1}"] }`).join('\n')}\n    publicKey: |\n      ${pem}\n`;
  const manifestOf = (n: number): string =>
    `swarm: big\nsessions:\n${Array.from({ length: n }, (_, i) => session(i)).join('')}  s${n}: { phaseCount: 10 }\n`;

  it('reads a 1000-session manifest (20,000+ lines): the cap is for manifests, not the record cap', () => {
    const text = manifestOf(1000);
    assert.ok(text.split('\n').length > 20_000, 'the case that failed: more lines than the general YAML cap');
    const plan = parseManifest(text);
    assert.equal(plan.sessions.length, 1001);
  });

  it('still refuses a manifest past its own cap, before parsing it', () => {
    assert.throws(
      () => parseManifest(`swarm: big\nsessions:\n${'#\n'.repeat(300_000)}`),
      /about \d+ entries, more than the/,
    );
  });
});
