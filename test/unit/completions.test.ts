import { strict as assert } from 'node:assert';
import { satisfiesNeed, type CompletionStatus } from '../../src/core/completions';
import { commitOf, MemorySwarm } from '../helpers/memorySwarm';

const yaml = (top = '', busExtra = ''): string => `swarm: completions
${top}
sessions:
  sip: { phaseCount: 3 }
  bus: { phaseCount: 3${busExtra} }
  cli: { phaseCount: 2 }
`;

/** A row of the completion table, for assertions that name only what matters. */
function row(m: MemorySwarm, session: string, phase: number) {
  const { table, violations } = m.completions();
  const c = table.get(session)!.get(phase);
  return {
    c,
    codes: violations.map((v) => `${v.code} ${v.session} ${v.ref ?? ''}`.trim()),
    messages: violations.map((v) => v.message),
  };
}

describe('completions: evaluateCompletions', () => {
  it('admits a completion whose commit exists on the work branch, unverified', () => {
    const { c, codes } = row(new MemorySwarm(yaml()).complete('bus', 1), 'bus', 1);
    assert.equal(c!.valid, true);
    assert.equal(c!.author, 'bus');
    assert.equal(c!.verification, 'unverified');
    assert.deepEqual(c!.verifiedBy, []);
    assert.equal(c!.dispute, null);
    assert.equal(c!.record.commit, commitOf('bus:1'));
    assert.deepEqual(codes, []);
  });

  it('has no row for a phase nobody completed', () => {
    assert.equal(row(new MemorySwarm(yaml()), 'bus', 1).c, undefined);
  });

  it('is verified by a pass from another session, listing each verifier once, sorted', () => {
    const m = new MemorySwarm(yaml())
      .complete('bus', 1)
      .verify('sip', 'bus', 1, 'pass', { at: '2026-03-01T10:00:00Z' })
      .verify('cli', 'bus', 1, 'pass', { at: '2026-03-01T10:00:01Z' })
      .verify('sip', 'bus', 1, 'pass', { at: '2026-03-01T10:00:02Z' });
    const { c } = row(m, 'bus', 1);
    assert.equal(c!.verification, 'verified');
    assert.deepEqual(c!.verifiedBy, ['cli', 'sip']);
  });

  it("ignores the author's verification of its own completion", () => {
    const { c } = row(new MemorySwarm(yaml()).complete('bus', 1).verify('bus', 'bus', 1), 'bus', 1);
    assert.equal(c!.verification, 'unverified');
  });

  it('ignores a verification of another commit (the completion was redone since)', () => {
    const m = new MemorySwarm(yaml())
      .complete('bus', 1, { commit: commitOf('new') })
      .verify('sip', 'bus', 1, 'fail', { commit: commitOf('old') });
    assert.equal(row(m, 'bus', 1).c!.verification, 'unverified');
  });

  it('ignores a verification of the same commit for another phase (verifications are per phase)', () => {
    const same = commitOf('one commit, two phases');
    const m = new MemorySwarm(yaml())
      .complete('bus', 1, { commit: same })
      .complete('bus', 2, { commit: same })
      .verify('sip', 'bus', 2, 'fail', { commit: same });
    assert.equal(row(m, 'bus', 1).c!.verification, 'unverified');
    assert.equal(row(m, 'bus', 2).c!.verification, 'disputed');
  });

  it("looks a completion's commit up in its author's facts only (ancestry is per work branch)", () => {
    const shared = commitOf('named by two sessions');
    const m = new MemorySwarm(yaml())
      .complete('sip', 1, { commit: shared })
      .complete('bus', 1, { commit: shared, exists: false });
    assert.equal(row(m, 'sip', 1).c!.valid, true);
    assert.equal(row(m, 'bus', 1).c!.valid, false);
    assert.deepEqual(row(m, 'bus', 1).codes, ['UNKNOWN_COMMIT bus bus:1']);
  });

  it('marks a completion naming an unknown commit invalid (UNKNOWN_COMMIT)', () => {
    const { c, codes, messages } = row(new MemorySwarm(yaml()).complete('bus', 1, { exists: false }), 'bus', 1);
    assert.equal(c!.valid, false);
    assert.deepEqual(codes, ['UNKNOWN_COMMIT bus bus:1']);
    assert.deepEqual(messages, [
      `completion of bus:1 names commit ${commitOf('bus:1').slice(0, 12)}, which does not exist in the repository`,
    ]);
  });

  it('disputes a completion whose commit left the work branch (still valid, not satisfying)', () => {
    const { c, codes, messages } = row(new MemorySwarm(yaml()).complete('bus', 1, { onWorkBranch: false }), 'bus', 1);
    assert.equal(c!.valid, true);
    assert.equal(c!.verification, 'disputed');
    assert.equal(c!.dispute, `commit ${commitOf('bus:1').slice(0, 12)} is no longer in bus's work branch`);
    assert.deepEqual(codes, ['COMPLETION_DISPUTED bus bus:1']);
    assert.equal(messages[0], `completion of bus:1: ${c!.dispute}`);
  });

  it('keeps the work-branch dispute when a verification also failed (one violation)', () => {
    const m = new MemorySwarm(yaml()).complete('bus', 1, { onWorkBranch: false }).verify('sip', 'bus', 1, 'fail');
    const { c, codes } = row(m, 'bus', 1);
    assert.match(c!.dispute!, /no longer in bus's work branch/);
    assert.deepEqual(codes, ['COMPLETION_DISPUTED bus bus:1']);
  });

  const disputes: [string, Parameters<MemorySwarm['verify']>[3], Parameters<MemorySwarm['verify']>[4], string][] = [
    [
      'a failed command with its exit code and the last line of its output',
      'fail',
      {
        commands: [
          { command: 'npm test', exitCode: 0, durationMs: 1 },
          { command: 'npm run e2e', exitCode: 3, durationMs: 1, outputTail: 'a\nb: 2 failing\n' },
        ],
      },
      'sip could not verify it: `npm run e2e` failed with exit 3 — output: "b: 2 failing"',
    ],
    [
      'a command that timed out',
      'fail',
      { commands: [{ command: 'make', exitCode: null, durationMs: 1, timedOut: true }] },
      'sip could not verify it: `make` failed (timed out)',
    ],
    [
      'a fail with only a detail',
      'fail',
      { detail: 'build dir missing' },
      'sip could not verify it: "build dir missing"',
    ],
    ['a fail with nothing said', 'fail', {}, 'sip could not verify it: verification failed'],
    [
      'a merge conflict',
      'conflict',
      { detail: 'src/a.ts' },
      'sip could not verify it: merge conflict with sip\'s branch ("src/a.ts")',
    ],
  ];
  for (const [name, result, opts, want] of disputes) {
    it(`disputes a completion by ${name}`, () => {
      const m = new MemorySwarm(yaml()).complete('bus', 1).verify('sip', 'bus', 1, result, opts);
      const { c, codes, messages } = row(m, 'bus', 1);
      assert.equal(c!.valid, true);
      assert.equal(c!.verification, 'disputed');
      assert.equal(c!.dispute, want);
      assert.deepEqual(codes, ['COMPLETION_DISPUTED bus bus:1']);
      assert.equal(messages[0], `bus:1 is disputed: ${want}`);
    });
  }

  it('lets the newest verification decide: a later pass clears an earlier fail', () => {
    const m = new MemorySwarm(yaml())
      .complete('bus', 1)
      .verify('sip', 'bus', 1, 'fail', { at: '2026-03-01T10:00:00Z' })
      .verify('cli', 'bus', 1, 'pass', { at: '2026-03-01T11:00:00Z' });
    assert.equal(row(m, 'bus', 1).c!.verification, 'verified');
  });

  it('lets the newest verification decide: a later fail disputes an earlier pass, which stays listed', () => {
    const m = new MemorySwarm(yaml())
      .complete('bus', 1)
      .verify('cli', 'bus', 1, 'fail', { at: '2026-03-01T11:00:00Z' })
      .verify('sip', 'bus', 1, 'pass', { at: '2026-03-01T10:00:00Z' });
    const { c } = row(m, 'bus', 1);
    assert.equal(c!.verification, 'disputed');
    assert.deepEqual(c!.verifiedBy, ['sip']);
  });

  it('breaks a tie in time by verifier name, so every reader agrees', () => {
    const at = '2026-03-01T10:00:00Z';
    const a = new MemorySwarm(yaml())
      .complete('bus', 1)
      .verify('cli', 'bus', 1, 'fail', { at })
      .verify('sip', 'bus', 1, 'pass', { at });
    const b = new MemorySwarm(yaml())
      .complete('bus', 1)
      .verify('sip', 'bus', 1, 'pass', { at })
      .verify('cli', 'bus', 1, 'fail', { at });
    assert.equal(row(a, 'bus', 1).c!.verification, 'verified');
    assert.equal(row(b, 'bus', 1).c!.verification, 'verified');
  });

  it('does not count a completion whose predecessor is missing (PHASE_SKIPPED)', () => {
    const m = new MemorySwarm(yaml()).complete('bus', 1).complete('bus', 3);
    const { c, codes, messages } = row(m, 'bus', 3);
    assert.equal(c!.valid, false);
    assert.deepEqual(codes, ['PHASE_SKIPPED bus bus:3']);
    assert.deepEqual(messages, ['bus recorded phase 3 complete, but phase 2 has no valid completion']);
  });

  it('does not count a completion whose predecessor is invalid, and cascades', () => {
    const m = new MemorySwarm(yaml()).complete('bus', 1, { exists: false }).complete('bus', 2).complete('bus', 3);
    const { table, violations } = m.completions();
    assert.deepEqual(
      [1, 2, 3].map((n) => table.get('bus')!.get(n)!.valid),
      [false, false, false],
    );
    assert.deepEqual(
      violations.map((v) => `${v.code} ${v.ref}`),
      ['UNKNOWN_COMMIT bus:1', 'PHASE_SKIPPED bus:2', 'PHASE_SKIPPED bus:3'],
    );
  });

  it('ignores completions of phases past the phase count and of unknown sessions', () => {
    const m = new MemorySwarm(yaml()).complete('cli', 3).complete('ghost', 1);
    const { table, violations } = m.completions();
    assert.equal(table.get('cli')!.size, 0);
    assert.equal(table.has('ghost'), false);
    assert.deepEqual(violations, []);
  });

  describe('baseline phases', () => {
    it('counts phases up to baselinePhase as complete on the manifest authority', () => {
      const m = new MemorySwarm(yaml('', ', baselinePhase: 2'));
      const { table, violations } = m.completions();
      for (const n of [1, 2]) {
        const c = table.get('bus')!.get(n)!;
        assert.deepEqual(
          {
            valid: c.valid,
            author: c.author,
            verification: c.verification,
            verifiedBy: c.verifiedBy,
            commit: c.record.commit,
          },
          {
            valid: true,
            author: 'manifest',
            verification: 'verified',
            verifiedBy: ['manifest baseline'],
            commit: '0'.repeat(40),
          },
        );
      }
      assert.equal(table.get('bus')!.get(3), undefined);
      assert.deepEqual(violations, []);
    });

    it('lets the phase after the baseline count without PHASE_SKIPPED', () => {
      const m = new MemorySwarm(yaml('', ', baselinePhase: 2')).complete('bus', 3);
      const { c, codes } = row(m, 'bus', 3);
      assert.equal(c!.valid, true);
      assert.deepEqual(codes, []);
    });

    it("keeps a session's own valid completion of a baseline phase", () => {
      const m = new MemorySwarm(yaml('', ', baselinePhase: 2')).complete('bus', 1).verify('sip', 'bus', 1);
      const c = row(m, 'bus', 1).c!;
      assert.equal(c.author, 'bus');
      assert.deepEqual(c.verifiedBy, ['sip']);
    });

    it('replaces an invalid completion of a baseline phase with the baseline', () => {
      const m = new MemorySwarm(yaml('', ', baselinePhase: 1')).complete('bus', 1, { exists: false });
      const c = row(m, 'bus', 1).c!;
      assert.equal(c.author, 'manifest');
      assert.equal(c.valid, true);
    });

    it('clamps a baseline past the phase count to the phase count', () => {
      const m = new MemorySwarm(yaml('', ', baselinePhase: 7'));
      assert.deepEqual([...m.completions().table.get('bus')!.keys()], [1, 2, 3]);
      assert.equal(m.view().sessions.find((s) => s.id === 'bus')!.state, 'done');
    });
  });

  describe('adoption', () => {
    it('refuses a completion for another session without an adoption record (ADOPTION_INVALID)', () => {
      const m = new MemorySwarm(yaml()).complete('sip', 1, { forSession: 'bus' });
      const { c, codes, messages } = row(m, 'bus', 1);
      assert.equal(c, undefined);
      assert.deepEqual(codes, ['ADOPTION_INVALID sip bus:1']);
      assert.deepEqual(messages, ['sip completed bus:1 without an adoption record']);
    });

    it("credits the target's phase to the adopter when its status records the adoption", () => {
      const m = new MemorySwarm(yaml())
        .status('sip', { adopted: [{ session: 'bus', phase: 1, at: '2026-03-01T11:00:00Z' }] })
        .complete('sip', 1, { forSession: 'bus' });
      const { c, codes } = row(m, 'bus', 1);
      assert.equal(c!.valid, true);
      assert.equal(c!.author, 'sip');
      assert.deepEqual(codes, []);
      assert.equal(m.completions().table.get('sip')!.get(1), undefined);
    });

    // BUG? (completions.ts evaluateCompletions): "an adopted completion never displaces the
    // owner's own" also holds when the owner's own is invalid (its commit does not exist), so a
    // valid adoption of a stuck session's phase never counts and the phase stays open.
    it.skip("counts a valid adopted completion when the owner's own is invalid", () => {
      const m = new MemorySwarm(yaml())
        .complete('bus', 1, { exists: false })
        .status('sip', { adopted: [{ session: 'bus', phase: 1, at: '2026-03-01T11:00:00Z' }] })
        .complete('sip', 1, { forSession: 'bus', commit: commitOf('adopter') });
      const c = row(m, 'bus', 1).c!;
      assert.deepEqual([c.author, c.valid], ['sip', true]);
    });

    for (const order of ['owner first', 'adopter first']) {
      it(`never lets an adopted completion displace the owner's own (${order})`, () => {
        const m = new MemorySwarm(yaml());
        const owner = (): void => void m.complete('bus', 1, { commit: commitOf('owner') });
        const adopter = (): void =>
          void m
            .status('sip', { adopted: [{ session: 'bus', phase: 1, at: '2026-03-01T11:00:00Z' }] })
            .complete('sip', 1, { forSession: 'bus', commit: commitOf('adopter') });
        if (order === 'owner first') {
          owner();
          adopter();
        } else {
          adopter();
          owner();
        }
        const c = row(m, 'bus', 1).c!;
        assert.equal(c.author, 'bus');
        assert.equal(c.record.commit, commitOf('owner'));
      });
    }
  });
});

describe('completions: satisfiesNeed', () => {
  const plan = (policy: string) => new MemorySwarm(yaml(`policy: { crossSessionVerification: ${policy} }`)).plan;
  const status = (valid: boolean, verification: CompletionStatus['verification'], dispute: string | null = null) =>
    ({ valid, verification, dispute, author: 'bus', verifiedBy: [], record: {} }) as unknown as CompletionStatus;
  const cases: [string, CompletionStatus | undefined, boolean, boolean][] = [
    ['absent', undefined, false, false],
    ['invalid', status(false, 'verified'), false, false],
    ['disputed', status(true, 'disputed', 'x failed'), false, false],
    ['unverified', status(true, 'unverified'), false, true],
    ['verified', status(true, 'verified'), true, true],
  ];
  for (const [name, c, required, advisory] of cases) {
    it(`a ${name} completion: required ${required}, advisory ${advisory}`, () => {
      assert.equal(satisfiesNeed(c, plan('required')), required);
      assert.equal(satisfiesNeed(c, plan('advisory')), advisory);
    });
  }
});
