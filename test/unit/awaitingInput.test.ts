import * as assert from 'node:assert/strict';
import { newlyAwaiting } from '../../src/core/awaitingInput';
import { parseManifest } from '../../src/core/manifest';
import { StatusRecord } from '../../src/core/records';
import type { Snapshot } from '../../src/core/snapshot';
import { computeView } from '../../src/core/view';
import { snapshotOf } from '../helpers/snapshotOf';
import { matrixModelOf } from '../../src/protocol/matrixModel';

/** A session waiting on a person: in the view, stuck after the limit, in the matrix, alerted once per wait. */
const MANIFEST = `swarm: t
polling: { awaitingInputStuckSeconds: 600, heartbeatSeconds: 3600 }
agent: { runtime: codex }
sessions:
  ndi:
    phaseCount: 2
    agent: { runtime: gemini, command: "gemini --yolo" }
  web:
    phaseCount: 2
    phases:
      1: { needs: [ndi:1] }
`;
const SINCE = '2026-01-01T12:00:00.000Z';

function snap(waiting: boolean, since = SINCE): Snapshot {
  const st = StatusRecord.parse({
    kind: 'status',
    session: 'ndi',
    seq: 1,
    updatedAt: since,
    heartbeatAt: since,
    state: 'working',
    phase: 1,
    ...(waiting ? { awaitingInput: { since, runtime: 'gemini', message: 'Gemini needs your permission' } } : {}),
  });
  return snapshotOf(MANIFEST, { ndi: st, web: null }, `s-${waiting}-${since}`);
}
const at = (seconds: number) => new Date(Date.parse(SINCE) + seconds * 1000);

describe('awaiting input', () => {
  it('the manifest names each session agent: its own, else the swarm-wide one, else Claude Code', () => {
    const plan = parseManifest(MANIFEST);
    assert.deepEqual(plan.sessions.find((s) => s.id === 'ndi')!.agent, { runtime: 'gemini', command: 'gemini --yolo' });
    assert.deepEqual(plan.sessions.find((s) => s.id === 'web')!.agent, { runtime: 'codex', command: 'codex' });
    assert.deepEqual(parseManifest('swarm: x\nsessions:\n  a: {}\n').sessions[0]!.agent, {
      runtime: 'claude',
      command: 'claude',
    });
    assert.throws(() => parseManifest('swarm: x\nagent: { runtime: cursor }\nsessions:\n  a: {}\n'), /agent\.runtime/);
  });

  it('is in the view; past the limit it is stuck and makes its blocker stuck', () => {
    const early = computeView(snap(true), at(60));
    const ndi = early.sessions.find((s) => s.id === 'ndi')!;
    assert.equal(ndi.awaitingInput!.message, 'Gemini needs your permission');
    assert.equal(ndi.awaitingInput!.stuck, false);
    assert.ok(!early.violations.some((v) => v.code === 'STUCK_BLOCKER'));
    const late = computeView(snap(true), at(601));
    assert.equal(late.sessions.find((s) => s.id === 'ndi')!.awaitingInput!.stuck, true);
    assert.match(late.violations.find((v) => v.code === 'STUCK_BLOCKER')!.message, /waited for a person for 10 min/);
    assert.ok(late.violations.some((v) => v.code === 'AWAITING_INPUT'));
    assert.ok(!computeView(snap(false), at(601)).violations.some((v) => v.code === 'STUCK_BLOCKER'));
  });

  it('shows in the matrix row and is alerted once per wait', () => {
    const v = computeView(snap(true), at(60));
    const row = matrixModelOf(v, null).rows.find((r) => r.session === 'ndi')!;
    assert.equal(row.awaitingInput, 'Gemini needs your permission');
    assert.match(row.summary, /waits for a person/);
    assert.deepEqual(
      newlyAwaiting(computeView(snap(false), at(0)), v).map((w) => w.session),
      ['ndi'],
    );
    assert.deepEqual(newlyAwaiting(v, computeView(snap(true), at(120))), [], 'the same wait is not alerted again');
    const next = computeView(snap(true, at(300).toISOString()), at(320));
    assert.equal(newlyAwaiting(v, next).length, 1, 'a new wait is');
  });
});
