import { strict as assert } from 'node:assert';
import { SwarmFixture, git } from '../helpers/gitFixture';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const at = (seconds: number): Record<string, string> => ({ S2_NOW: new Date(T0 + seconds * 1000).toISOString() });

/** Seven sessions; sip's phase 2 is what ndi, webrtc and h323 need for their phase 2. */
const MANIFEST = `swarm: test
policy: { crossSessionVerification: advisory }
polling: { intervalSeconds: 30, heartbeatSeconds: 60, helpLeaseSeconds: 600, maxHelpersPerBlocker: 2 }
sessions:
  sip:
    expertise: [sip, telephony]
    phaseCount: 3
  ndi:
    expertise: [video]
    phaseCount: 3
    phases:
      2: { needs: [sip:2] }
  webrtc:
    expertise: [sip, webrtc]
    phaseCount: 3
    phases:
      2: { needs: [sip:2] }
  h323:
    expertise: [telephony, h323]
    phaseCount: 3
    phases:
      2: { needs: [sip:2] }
  cli:
    expertise: [cli]
    phaseCount: 3
  talent:
    expertise: [ui]
    phaseCount: 3
  bus:
    expertise: [bus]
    phaseCount: 3
`;

async function finishPhase1(f: SwarmFixture, s: string, env: Record<string, string> = {}): Promise<void> {
  assert.equal((await f.cli(s, ['start-phase', '1'], env)).code, 0);
  f.work(s);
  const r = await f.cli(s, ['complete-phase', '1'], env);
  assert.equal(r.code, 0, r.stderr);
}

const codes = (v: { violations: { code: string; session: string }[] }): string[] =>
  v.violations.map((x) => `${x.code}:${x.session}`);

describe('blockers, deadlocks and gang-up on real git (7 sessions)', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('reports a 3-session circular wait as one deadlock in one snapshot read, with a way out', async () => {
    f = await SwarmFixture.create(
      'worktree',
      MANIFEST.replace('policy: { crossSessionVerification: advisory }\n', '').replace(
        / {2}cli:\n {4}expertise: \[cli\]\n {4}phaseCount: 3\n {2}talent:\n {4}expertise: \[ui\]\n {4}phaseCount: 3\n {2}bus:\n {4}expertise: \[bus\]\n {4}phaseCount: 3\n/,
        `  cli:\n    phaseCount: 3\n    phases:\n      2: { needs: [talent:2] }\n  talent:\n    phaseCount: 3\n    phases:\n      2: { needs: [bus:2] }\n  bus:\n    phaseCount: 3\n    phases:\n      2: { needs: [cli:2] }\n`,
      ),
    );
    for (const s of ['cli', 'talent', 'bus']) await finishPhase1(f, s);
    const view = await f.status();
    assert.equal(view.deadlocks.length, 1);
    assert.deepEqual(view.deadlocks[0].sessions, ['bus', 'cli', 'talent']);
    assert.equal(view.deadlocks[0].phases.length, 3);
    assert.match(view.deadlocks[0].suggestion.text, /frees 3 session/);
    assert.equal(codes(view).filter((c) => c.startsWith('DEADLOCK')).length, 1);
  });

  it("raises STUCK_BLOCKER once the blocker's heartbeat lease expires, and allows adoption then", async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
    for (const s of ['ndi', 'webrtc', 'h323']) await finishPhase1(f, s, at(0));
    assert.equal((await f.cli('sip', ['start-phase', '1'], at(0))).code, 0);
    const early = await f.status(null, at(100));
    assert.deepEqual(
      early.blockers.map((b: { session: string }) => b.session),
      ['sip'],
    );
    assert.equal(early.blockers[0].transitive, 3);
    assert.ok(!codes(early).some((c) => c.startsWith('STUCK_BLOCKER')));
    assert.equal((await f.cli('h323', ['adopt', 'sip:1'], at(100))).code, 1, 'a live session cannot be adopted');
    const late = await f.status(null, at(211));
    assert.deepEqual(
      codes(late).filter((c) => c.startsWith('STUCK_BLOCKER')),
      ['STUCK_BLOCKER:sip'],
    );
    assert.ok(late.blockers[0].stalled);
    const adopt = await f.cli('h323', ['adopt', 'sip:1'], at(211));
    assert.equal(adopt.code, 0, adopt.stderr);
    f.work('h323', 'sip-part.txt');
    const done = await f.cli('h323', ['complete-phase', 'sip:1'], at(212));
    assert.equal(done.code, 0, done.stderr);
    const after = await f.status(null, at(213));
    const sip = after.sessions.find((s: { id: string }) => s.id === 'sip');
    assert.equal(sip.phase, 2, 'the adopted completion counts for sip:1');
    assert.equal(sip.phases[0].completedBy, 'h323');
    const twice = await f.cli('ndi', ['complete-phase', 'sip:2'], at(214));
    assert.equal(twice.code, 1, 'no adoption, no completion for another session');
  });

  it('refuses help toward a session that blocks nobody (no self-declared blockers)', async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
    await finishPhase1(f, 'ndi');
    const r = await f.cli('ndi', ['help', 'cli', '--task', 'anything']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cli blocks no session.*FALSE_BLOCKER/);
  });

  it('two sessions asking for help on the same blocker at once get different tasks', async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
    for (const s of ['ndi', 'webrtc', 'h323']) await finishPhase1(f, s);
    const [a, b] = await Promise.all([f.cli('webrtc', ['help', '--auto']), f.cli('h323', ['help', '--auto'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.notEqual(a.json().claim.task, b.json().claim.task);
    const third = await f.cli('ndi', ['help', '--auto']);
    assert.equal(third.code, 1, "the blocker's helper cap (2) is reached");
    const view = await f.status();
    assert.ok(!codes(view).some((c) => c.startsWith('DUPLICATE_HELP')));
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'webrtc').state, 'helping');
  });

  it('a helper that makes no commit within its lease loses the claim; one that commits keeps it', async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
    for (const s of ['ndi', 'webrtc', 'h323']) await finishPhase1(f, s, at(0));
    assert.equal((await f.cli('webrtc', ['help', 'sip', '--task', 'write the SIP trunk tests'], at(0))).code, 0);
    assert.equal((await f.cli('h323', ['help', 'sip', '--task', 'review the SIP parser'], at(0))).code, 0);
    f.work('h323');
    const view = await f.status(null, at(601));
    assert.deepEqual(
      codes(view).filter((c) => c.startsWith('HELPER_NO_PROGRESS')),
      ['HELPER_NO_PROGRESS:webrtc'],
    );
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'webrtc').helping, null);
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'h323').helping.task, 'review the SIP parser');
  });

  it('reports a help loop written around the guards, and the guard refuses to make one', async () => {
    f = await SwarmFixture.create(
      'worktree',
      MANIFEST.replace(
        '  cli:\n    expertise: [cli]\n    phaseCount: 3\n',
        '  cli:\n    expertise: [cli]\n    phaseCount: 3\n    phases:\n      2: { needs: [ndi:2] }\n',
      ),
    );
    for (const s of ['ndi', 'cli', 'webrtc']) await finishPhase1(f, s);
    // ndi waits on sip; cli waits on ndi. ndi helps sip is fine; a sip→ndi claim would loop only with ndi→sip.
    assert.equal((await f.cli('cli', ['help', 'ndi', '--task', 'ndi adapter'])).code, 0);
    const refused = await f.cli('ndi', ['help', 'cli', '--task', 'x']);
    assert.equal(refused.code, 1);
    // A rogue status that helps back anyway: ndi → cli while cli → ndi.
    const { forgeHelp } = await import('../helpers/rogue');
    await forgeHelp(f, 'ndi', { session: 'cli', phase: 2, task: 'loop back' });
    const view = await f.status();
    assert.ok(
      codes(view).some((c) => c.startsWith('HELP_LOOP')),
      codes(view).join(' '),
    );
    void git;
  });
});
