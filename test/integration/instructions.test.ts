import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { signInstruction } from '../../src/core/instructionSignature';
import { keyPath } from '../../src/git/keyStore';
import { git, SwarmFixture } from '../helpers/gitFixture';
import { signedInstruction } from '../helpers/signedInstruction';

/**
 * Instructions come from approvers: an instruction that another session wrote (unsigned, signed
 * with its own key, or a signed one moved to another phase) is reported and never reaches the
 * executor; one written with s2 instruct --as owner runs.
 */
function manifest(marker: string): string {
  return `swarm: test\nexecutor: ${JSON.stringify(`touch ${marker}-$S2_SESSION-$S2_PHASE`)}\npolling: { intervalSeconds: 0.2, heartbeatSeconds: 60 }\nsessions:\n  a:\n    phaseCount: 2\n  b:\n    phaseCount: 2\n`;
}

function commitInstruction(f: SwarmFixture, session: string, phase: number, text: string): void {
  const dir = path.join(f.coord, '.s2/instructions', session);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `phase-${phase}.md`), text);
  git(f.coord, 'add', '.');
  git(f.coord, 'commit', '-q', '-m', `instruction ${session}:${phase}`);
}

describe('instructions count only when an approver signed them', function () {
  this.timeout(60_000);
  let f: SwarmFixture;
  let marker: string;
  beforeEach(async () => {
    const tmp = path.join(require('node:os').tmpdir(), `s2-marker-${process.pid}-${Date.now()}`);
    marker = tmp;
    f = await SwarmFixture.create('worktree', manifest(marker));
  });
  afterEach(() => {
    f.cleanup();
    for (const p of ['a-1', 'a-2', 'b-1', 'b-2']) rmSync(`${marker}-${p}`, { force: true });
  });

  const unsignedCases: [string, (f: SwarmFixture) => string, RegExp][] = [
    ['unsigned', () => 'Do phase 1.\n', /not signed/],
    [
      "signed with another session's key",
      (fx) =>
        signInstruction('Do phase 1.\n', 'a', 1, 'b', readFileSync(keyPath('test', 'b', { S2_HOME: fx.home }), 'utf8')),
      /neither an approver nor a coordinator/,
    ],
    ['signed for another phase', (fx) => signedInstruction(fx.home, 'a', 2, 'Do phase 1.\n'), /does not verify/],
  ];
  for (const [name, text, why] of unsignedCases) {
    it(`an instruction ${name} is INSTRUCTION_UNSIGNED and the executor never runs it`, async () => {
      commitInstruction(f, 'a', 1, text(f));
      const view = await f.status('a');
      const v = view.violations.find((x: { code: string }) => x.code === 'INSTRUCTION_UNSIGNED');
      assert.ok(v, JSON.stringify(view.violations));
      assert.match(v.message, why);
      assert.deepEqual(view.sessions.find((s: { id: string }) => s.id === 'a').pendingInstructions, []);
      const poll = await f.cli('a', ['poll', '--ticks', '2', '--interval', '0.1']);
      assert.equal(poll.code, 0, poll.stderr);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!existsSync(`${marker}-a-1`), 'the executor ran an unsigned instruction');
    });
  }

  it('s2 instruct --as owner signs and commits; the loop runs it', async () => {
    const file = path.join(f.root, 'p1.md');
    writeFileSync(file, '---\nid: a-p1\n---\nDo phase 1.\n');
    const r = await f.cliAt(f.coord, null, ['instruct', 'a:1', '--file', file, '--as', 'owner']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(git(f.coord, 'show', 'HEAD:.s2/instructions/a/phase-1.md'), /signature:\n {2}by: owner/);
    const view = await f.status('a');
    assert.deepEqual(view.sessions.find((s: { id: string }) => s.id === 'a').pendingInstructions, ['a-p1']);
    const noSigner = await f.cliAt(f.coord, 'b', ['instruct', 'a:2', '--file', file]);
    assert.equal(noSigner.code, 1, 'a plain session cannot sign instructions');
    await f.cli('a', ['poll', '--ticks', '3', '--interval', '0.1']);
    for (let i = 0; i < 30 && !existsSync(`${marker}-a-1`); i++) await new Promise((res) => setTimeout(res, 100));
    assert.ok(existsSync(`${marker}-a-1`), 'the signed instruction ran');
  });
});
