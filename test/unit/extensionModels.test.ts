import * as assert from 'node:assert/strict';
import type { SwarmEvent } from '../../src/core/events';
import { StatusRecord } from '../../src/core/records';
import { computeView } from '../../src/core/view';
import { snapshotOf, statusAt } from '../helpers/snapshotOf';
import { planAlerts } from '../../src/extension/alertModel';
import { diagnosticsOf, frontMatterLine } from '../../src/extension/diagnosticModel';
import { resolveSession } from '../../src/extension/sessionResolver';
import { phasePresentation, sessionPresentation } from '../../src/extension/treePresentation';
import { matrixModelOf } from '../../src/protocol/matrixModel';
import { parseWebviewMessage } from '../../src/protocol/matrixProtocol';

/** The extension's pure parts (no VS Code): matrix, alerts, diagnostics, tree text, session choice. */
const MANIFEST = `swarm: t
sessions:
  sip:
    title: SIP
    phaseCount: 3
  webrtc:
    phaseCount: 3
    phases:
      1:
        title: Bridge
        needs: [sip:1]
  a:
    phaseCount: 2
  b:
    phaseCount: 2
`;
const NOW = new Date('2025-01-01T12:00:00Z');

const status = (session: string, blockedOn: string[] = []): StatusRecord =>
  statusAt(session, NOW, {
    state: blockedOn.length ? 'blocked' : 'working',
    blockedOn: blockedOn.map((on) => ({ on, reason: 'x', since: NOW.toISOString() })),
  });

function view() {
  const statuses = { sip: status('sip'), webrtc: status('webrtc'), a: status('a', ['b:1']), b: status('b', ['a:1']) };
  return computeView(snapshotOf(MANIFEST, statuses, 'snap1'), NOW);
}

describe('extension models', () => {
  const v = view();

  it('matrix: sessions × phases, blocked cells link to their blockers, cycles marked', () => {
    const m = matrixModelOf(v, 'webrtc');
    assert.equal(m.rows.length, 4);
    assert.equal(m.phaseCount, 3);
    const w1 = m.rows.find((r) => r.session === 'webrtc')!.cells[0]!;
    assert.equal(w1.state, 'blocked');
    assert.deepEqual(w1.blockedBy, ['sip:1']);
    assert.equal(m.rows.find((r) => r.session === 'sip')!.cells[0]!.awaited, true);
    assert.equal(m.rows.find((r) => r.session === 'a')!.cells[0]!.inCycle, true);
    assert.equal(m.rows.find((r) => r.session === 'a')!.cells[2]!.state, 'none');
    assert.equal(m.deadlocks.length, 1);
  });

  it('protocol: accepts only well-formed webview messages', () => {
    assert.ok(parseWebviewMessage({ type: 'webview/ready' }).ok);
    assert.ok(parseWebviewMessage({ type: 'cell/open', session: 'sip', phase: 1 }).ok);
    for (const bad of [
      null,
      'x',
      { type: 'cell/open', session: 'sip' },
      { type: 'cell/open', session: 'sip', phase: -1 },
      { type: 'exec', cmd: 'rm' },
    ])
      assert.equal(parseWebviewMessage(bad).ok, false, JSON.stringify(bad));
  });

  it('alerts: mine only by default, loudest first, capped per tick', () => {
    const ev = (type: SwarmEvent['type'], session: string, refs: string[] = []): SwarmEvent => ({
      type,
      key: `${type}:${session}`,
      session,
      message: type,
      refs,
    });
    const events = [
      ev('BLOCKED', 'webrtc', ['sip:1']),
      ev('DEADLOCK', 'a', ['a', 'b']),
      ev('VIOLATION', 'webrtc'),
      ev('BUDGET_100', 'webrtc'),
      ev('INSTRUCTION_NEW', 'webrtc'),
    ];
    const mine = planAlerts(events, 'mine', 'webrtc', 3);
    assert.deepEqual(
      mine.show.map((a) => a.key),
      ['BUDGET_100:webrtc', 'BLOCKED:webrtc', 'VIOLATION:webrtc'],
    );
    assert.equal(mine.suppressed, 1);
    assert.deepEqual(mine.show[1]!.actions, ['Help Blocker', 'Show in Tree']);
    assert.equal(planAlerts(events, 'all', 'webrtc', 10).show.length, 5);
    assert.equal(planAlerts(events, 'off', 'webrtc', 10).show.length, 0);
  });

  it('diagnostics: the needs line waits, the cycle is an error on the session entry', () => {
    const d = diagnosticsOf(v, MANIFEST, [
      {
        session: 'webrtc',
        phase: 1,
        path: '.s2/instructions/webrtc/phase-1.md',
        text: '---\nid: w1\nneeds: [sip:1]\n---\n# w\n',
      },
    ]);
    const needs = d.find((x) => x.code === 'BLOCKED' && x.file === '.s2/swarm.yaml')!;
    assert.equal(MANIFEST.split('\n')[needs.line], '        needs: [sip:1]');
    assert.ok(d.some((x) => x.file.endsWith('phase-1.md') && x.line === 2));
    const cycle = d.filter((x) => x.code === 'DEADLOCK');
    assert.equal(cycle.length, 2);
    assert.ok(cycle.every((x) => x.severity === 'error'));
    assert.ok(d.some((x) => x.code === 'TOP_BLOCKER'));
    assert.equal(frontMatterLine('# no front matter', 'needs'), 0);
  });

  it('tree: descriptions, top blocker and phase words', () => {
    const sip = sessionPresentation(
      v,
      v.sessions.find((s) => s.id === 'sip')!,
      'webrtc',
    );
    const w = v.sessions.find((s) => s.id === 'webrtc')!;
    assert.match(sip.description, /phase 1\/3 · \$0\.00 of \$20/);
    assert.match(sessionPresentation(v, w, 'webrtc').label, /this workspace/);
    assert.equal(phasePresentation(w, w.phases[0]!).description, 'blocked by sip:1');
    assert.match(sessionPresentation(v, w, 'webrtc').tooltip, /blocked by: sip:1/);
  });

  it('session: picked, setting, environment, then the checked-out branch', () => {
    const sessions = [
      { id: 'sip', branch: 's2/work/sip' },
      { id: 'webrtc', branch: 's2/work/webrtc' },
    ];
    assert.deepEqual(resolveSession(sessions, 's2/work/webrtc', []).session, { id: 'webrtc', source: 'branch' });
    assert.deepEqual(resolveSession(sessions, 's2/work/webrtc', [{ source: 'setting', id: 'sip' }]).session, {
      id: 'sip',
      source: 'setting',
    });
    const r = resolveSession(sessions, 'main', [{ source: 'picked', id: 'nope' }]);
    assert.equal(r.session, null);
    assert.equal(r.unknown.length, 1);
  });
});
