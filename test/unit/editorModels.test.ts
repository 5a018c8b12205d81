import * as assert from 'node:assert/strict';
import { blockingMessage, type SwarmEvent } from '../../src/core/events';
import { StatusRecord } from '../../src/core/records';
import { computeView } from '../../src/core/view';
import { snapshotOf, statusAt } from '../helpers/snapshotOf';
import { alertOf } from '../../src/extension/alertModel';
import { diagnosticsOf } from '../../src/extension/diagnosticModel';
import { parseUsd, sessionIdsProblem } from '../../src/extension/inputText';
import { escapeLinks, escapeMarkdown, inWords } from '../../src/extension/messageText';
import { phaseDocument, phaseTabTitle } from '../../src/extension/phaseRecordModel';
import { phasePresentation, sessionPresentation } from '../../src/extension/treePresentation';

/**
 * The pure parts of issue #21 and #20 item 7: record text never becomes a link, messages in
 * words, every waiter named with the reason it gave, the critical path through declared
 * waits, the amounts and ids a person types, the phase document.
 */
const NOW = new Date('2025-01-01T12:00:00Z');

const status = (session: string, patch: Partial<StatusRecord> = {}): StatusRecord => statusAt(session, NOW, patch);

function viewOf(manifest: string, statuses: Record<string, StatusRecord>) {
  return computeView(snapshotOf(manifest, statuses), NOW);
}

const wait = (on: string, reason: string) => ({ on, reason, since: NOW.toISOString() });

/** a ← b (declared, with a reason) ← c (declared): a blocks two sessions, one of them directly. */
const CHAIN = viewOf(
  `swarm: t\nsessions:\n  a:\n    phaseCount: 3\n  b:\n    phaseCount: 4\n  c:\n    phaseCount: 2\n`,
  {
    a: status('a'),
    b: status('b', { state: 'blocked', blockedOn: [wait('a:2', 'needs the event schema')] }),
    c: status('c', { state: 'blocked', blockedOn: [wait('b:1', 'needs the bus client')] }),
  },
);

describe('editor: messages, links and the view (issue #21, #20 item 7)', () => {
  it('record text in an alert never becomes a clickable command: link', () => {
    const evil = '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)';
    const e: SwarmEvent = {
      type: 'VIOLATION',
      key: 'k',
      session: 'x',
      message: `INTEGRATION_FAILED: involved: ${evil}`,
      refs: [],
    };
    const a = alertOf(e);
    assert.doesNotMatch(a.message, /\]\(command:/);
    assert.doesNotMatch(a.message, /\]\(/);
    assert.match(a.message, /Fix it/, 'the text itself stays readable');
    assert.equal(escapeLinks('[a](https://x) and [b] (c)'), '[a] (https://x) and [b] (c)');
  });

  it('record text in a tree tooltip is literal markdown: no image, no link', () => {
    const v = viewOf(`swarm: t\nsessions:\n  a:\n    phaseCount: 1\n  b:\n    phaseCount: 1\n`, {
      a: status('a'),
      b: status('b', { state: 'blocked', blockedOn: [wait('a:1', '![x](https://evil.example/p.png) [y](command:z)')] }),
    });
    const b = v.sessions.find((s) => s.id === 'b')!;
    const tip = sessionPresentation(v, b, null).tooltip;
    assert.doesNotMatch(tip, /!\[x\]\(/);
    assert.doesNotMatch(tip, /\[y\]\(command:/);
    assert.match(tip, /evil/);
    assert.doesNotMatch(phasePresentation(b, b.phases[0]!).tooltip, /!\[x\]\(/);
    assert.equal(escapeMarkdown('a*b'), 'a\\*b');
  });

  it('codes and CLI lines become words and palette titles', () => {
    assert.equal(
      inWords(
        'STUCK_BLOCKER: 2 session(s) wait on sip (sip:4), which is in error; its open phase can be adopted (s2 adopt sip:4)',
      ),
      '2 session(s) wait on sip (sip:4), which is in error; its open phase can be adopted (“S2: Adopt Phase”)',
    );
    assert.doesNotMatch(inWords("an approver must raise it (s2 approve '*' --usd N)"), /s2 approve/);
  });

  it('"You block 2 sessions" names them all: who waits directly, on what and why, and who waits through them', () => {
    assert.equal(
      blockingMessage(CHAIN, 'a'),
      'You block 2 sessions: b waits on a:2 (“needs the event schema”); c waits through b',
    );
  });

  it('the reason for a wait is in the tree, the Problems and the phase document', () => {
    const b = CHAIN.sessions.find((s) => s.id === 'b')!;
    assert.match(sessionPresentation(CHAIN, b, 'b').description, /waits on a:2 \(needs the event schema\)/);
    assert.match(phasePresentation(b, b.phases[0]!).description, /blocked by a:2 — “needs the event schema”/);
    assert.match(
      sessionPresentation(CHAIN, CHAIN.sessions[0]!, null).tooltip,
      /blocks: b on a:2 \(“needs the event schema”\)/,
    );
    const problems = diagnosticsOf(CHAIN, null, []);
    assert.ok(problems.some((p) => p.message === 'b:1 waits on a:2: “needs the event schema”'));
    assert.ok(problems.some((p) => /b \(“needs the event schema”\) wait on a:2/.test(p.message)));
    const doc = phaseDocument(CHAIN, null, 'b', 1, '---\nid: b1\n---\n# Build the bus\n');
    assert.equal(doc.title, 'b:1 Phase 1');
    assert.match(doc.markdown, /\*\*Waits on a:2:\*\* needs the event schema/);
    assert.match(doc.markdown, /## Instruction\n\n# Build the bus/);
    assert.doesNotMatch(doc.markdown, /^id: b1/m);
  });

  it('the critical path goes through a declared wait (a:1 → a:2 → b:1 … b:4), not around it', () => {
    assert.deepEqual(CHAIN.criticalPath, ['a:1', 'a:2', 'b:1', 'b:2', 'b:3', 'b:4']);
  });

  it('the top blocker leads its label, so a long name cannot hide it', () => {
    const a = CHAIN.sessions.find((s) => s.id === 'a')!;
    assert.match(sessionPresentation(CHAIN, a, null).label, /^⚑ a$/);
  });

  it('amounts as typed: "$17" and "17 USD" are 17; words are refused', () => {
    for (const [text, usd] of [
      ['17', 17],
      ['$17', 17],
      ['$ 1,250.50', 1250.5],
      ['0.25', 0.25],
      ['17 usd', 17],
    ] as const)
      assert.equal(parseUsd(text), usd, text);
    for (const bad of ['', 'abc', '-1', '$', '1.2.3']) assert.equal(parseUsd(bad), null, bad);
  });

  it('Initialize Swarm refuses duplicate ids before anything is written', () => {
    assert.match(sessionIdsProblem('a,b,a')!, /"a" is listed twice/);
    assert.equal(sessionIdsProblem('a, b, c'), undefined);
    assert.match(sessionIdsProblem('a,,b')!, /separated by commas/);
  });

  it('a phase tab is named "a:1 Title", safe as a path segment', () => {
    assert.equal(phaseTabTitle(CHAIN, 'a', 1), 'a:1 Phase 1');
    assert.equal(phaseTabTitle(null, 'a', 1), 'a:1');
  });
});
