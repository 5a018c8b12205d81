import { strict as assert } from 'node:assert';
import { ago, MemorySwarm, NOW } from '../helpers/memorySwarm';

const yaml = (policy = 'advisory'): string => `swarm: claims
policy: { crossSessionVerification: ${policy} }
sessions:
  sip: { phaseCount: 2 }
  bus:
    phaseCount: 2
    phases:
      1: { needs: ["sip:1"] }
  cli: { phaseCount: 2 }
`;

const codes = (m: MemorySwarm): string[] => m.view().violations.map((v) => `${v.code} ${v.session} ${v.ref ?? ''}`);
const session = (m: MemorySwarm, id: string) => m.view().sessions.find((s) => s.id === id)!;

/** cli adopts sip:1 (dated now) and completes it for sip; sip's heartbeat is `age` s old. */
function adoption(age: number, sipFields: Record<string, unknown> = {}): MemorySwarm {
  return new MemorySwarm(yaml())
    .status('sip', { phase: 1, heartbeatAt: ago(age), ...sipFields })
    .status('cli', { adopted: [{ session: 'sip', phase: 1, at: ago(0) }] })
    .complete('cli', 1, { forSession: 'sip' });
}

describe('claim checks: adoptions the view believes', () => {
  it('refuses an adoption of a session that heartbeated 30 s before it', () => {
    const m = adoption(30);
    assert.ok(codes(m).includes('ADOPTION_INVALID cli sip:1'), codes(m).join('\n'));
    assert.equal(session(m, 'sip').completedPhases, 0);
    assert.equal(session(m, 'sip').phases[0]!.adoptedBy, null);
    assert.deepEqual(session(m, 'bus').blockedBy, ['sip:1']);
  });

  it('believes an adoption of a session silent past its lease (210 s)', () => {
    const m = adoption(300);
    assert.ok(!codes(m).some((c) => c.startsWith('ADOPTION_INVALID')), codes(m).join('\n'));
    assert.equal(session(m, 'sip').completedPhases, 1);
    assert.equal(session(m, 'sip').phases[0]!.adoptedBy, 'cli');
  });

  it('believes an adoption of a session in error', () => {
    assert.equal(session(adoption(10, { state: 'error' }), 'sip').completedPhases, 1);
  });

  it('keeps an adoption once the owner is back when the owner recorded the silence, and only then', () => {
    const at = ago(100);
    const back = (silences?: { from: string; to: string }[]) =>
      new MemorySwarm(yaml())
        .status('sip', { phase: 1, heartbeatAt: ago(10), ...(silences ? { silences } : {}) })
        .status('cli', { adopted: [{ session: 'sip', phase: 1, at }] })
        .complete('cli', 1, { forSession: 'sip' });
    assert.equal(session(back([{ from: ago(400), to: ago(50) }]), 'sip').completedPhases, 1);
    assert.ok(codes(back()).includes('ADOPTION_INVALID cli sip:1'));
    // A silence that ended before the adoption does not cover it.
    assert.ok(codes(back([{ from: ago(900), to: ago(500) }])).includes('ADOPTION_INVALID cli sip:1'));
  });

  it('refuses an adoption of a session not in the manifest, or of the adopter itself', () => {
    const m = new MemorySwarm(yaml()).status('cli', {
      adopted: [
        { session: 'ghost', phase: 1, at: ago(0) },
        { session: 'cli', phase: 1, at: ago(0) },
      ],
    });
    assert.ok(codes(m).includes('ADOPTION_INVALID cli ghost:1'));
    assert.ok(codes(m).includes('ADOPTION_INVALID cli cli:1'));
  });
});

describe('claim checks: completions whose needs were never met', () => {
  it('does not count a completion whose need has no completion, nor the phases after it', () => {
    const m = new MemorySwarm(yaml()).status('bus', { phase: 2 }).complete('bus', 1).complete('bus', 2);
    assert.ok(codes(m).includes('NEEDS_UNMET bus bus:1'), codes(m).join('\n'));
    assert.ok(codes(m).includes('PHASE_SKIPPED bus bus:2'), codes(m).join('\n'));
    assert.equal(session(m, 'bus').completedPhases, 0);
  });

  it('counts it when the need was completed before it', () => {
    const m = new MemorySwarm(yaml()).complete('sip', 1).complete('bus', 1);
    assert.equal(session(m, 'bus').completedPhases, 1);
    assert.ok(!codes(m).some((c) => c.startsWith('NEEDS_UNMET')));
  });

  it('does not count a completion made before its need was (beyond the clock skew)', () => {
    const early = new MemorySwarm(yaml(), new Date(NOW.getTime() - 3600_000)).complete('bus', 1).snapshot();
    const late = new MemorySwarm(yaml()).complete('sip', 1).snapshot();
    const m = new MemorySwarm(yaml());
    m.snapshot = () => ({
      ...late,
      sessions: { ...late.sessions, bus: early.sessions['bus']! },
      commits: new Map([...late.commits, ...early.commits]),
    });
    assert.ok(codes(m).includes('NEEDS_UNMET bus bus:1'), codes(m).join('\n'));
  });

  it('requires the need verified when the policy does', () => {
    const m = new MemorySwarm(yaml('required')).complete('sip', 1).complete('bus', 1);
    assert.ok(codes(m).includes('NEEDS_UNMET bus bus:1'));
    assert.equal(session(m.verify('cli', 'sip', 1), 'bus').completedPhases, 1);
  });

  it('never counts completions that only satisfy each other (a cycle of needs)', () => {
    const m = new MemorySwarm(`swarm: cycle
sessions:
  a: { phaseCount: 1, phases: { 1: { needs: ["b:1"] } } }
  b: { phaseCount: 1, phases: { 1: { needs: ["a:1"] } } }
`)
      .complete('a', 1)
      .complete('b', 1);
    assert.deepEqual(
      codes(m).filter((c) => c.startsWith('NEEDS_UNMET')),
      ['NEEDS_UNMET a a:1', 'NEEDS_UNMET b b:1'],
    );
    assert.equal(session(m, 'a').completedPhases, 0);
  });
});
