import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Poller } from '../../src/loop/poller';
import { SwarmSession } from '../../src/loop/swarmSession';
import { SwarmFixture, git } from '../helpers/gitFixture';
import { signedInstruction } from '../helpers/signedInstruction';

const SEVEN = ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent', 'bus'];

function manifest(ids: readonly string[], executor: string, phases = 3, extra = ''): string {
  return `swarm: test\nexecutor: ${JSON.stringify(executor)}\npolling: { intervalSeconds: 0.3, jitter: 0.2, heartbeatSeconds: 60, probeSeconds: 0.1 }\n${extra}sessions:\n${ids.map((id) => `  ${id}:\n    phaseCount: ${phases}\n    maxAgents: 7\n    budgetUsd: 20\n`).join('')}`;
}

/** The executor stands for an agent run: it logs that it ran, then commits work on the session's branch. */
function executor(log: string, pushWork: boolean, sleepSeconds = 0): string {
  return `sleep ${sleepSeconds}; echo "$S2_SESSION $S2_PHASE" >> ${log}; git -c user.name=a -c user.email=a@a commit -q --allow-empty -m "phase $S2_PHASE"${pushWork ? ' && git push -q origin HEAD' : ''}`;
}

function addInstruction(f: SwarmFixture, session: string, phase: number): void {
  const dir = path.join(f.coord, '.s2/instructions', session);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, `phase-${phase}.md`),
    signedInstruction(f.home, session, phase, `---\nid: ${session}-p${phase}\n---\nDo phase ${phase}.\n`),
  );
  git(f.coord, 'add', '.');
  git(f.coord, 'commit', '-q', '-m', `instruction ${session} ${phase}`);
  if (f.bare) git(f.coord, 'push', '-q', f.bare, 'main');
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the guarded polling loop on real git', function () {
  this.timeout(240_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('7 sessions polling one remote run every instruction exactly once, though instructions land mid-run', async () => {
    const log = path.join(require('node:os').tmpdir(), `s2-exec-${process.pid}-${Date.now()}.log`);
    f = await SwarmFixture.create('remote', manifest(SEVEN, executor(log, true)));
    const sessions = await Promise.all(
      SEVEN.map((s) => SwarmSession.open({ repo: f.dir(s), session: s, env: { ...process.env, S2_HOME: f.home } })),
    );
    const pollers = sessions.map((s) => new Poller(s, {}));
    const runs = pollers.map((p) => p.run());
    try {
      for (let phase = 1; phase <= 3; phase++) {
        for (const s of SEVEN) addInstruction(f, s, phase);
        await new Promise((r) => setTimeout(r, 200));
      }
      await until(
        () => existsSync(log) && readFileSync(log, 'utf8').trim().split('\n').length >= 21,
        180_000,
        '21 executor runs',
      );
      await new Promise((r) => setTimeout(r, 1500)); // a few more ticks: nothing may run again
    } finally {
      pollers.forEach((p) => p.stop());
      await Promise.all(runs);
      await Promise.all(pollers.map((p) => p.idle()));
      sessions.forEach((s) => s.dispose());
    }
    const lines = readFileSync(log, 'utf8').trim().split('\n').sort();
    const expected = SEVEN.flatMap((s) => [1, 2, 3].map((p) => `${s} ${p}`)).sort();
    assert.deepEqual(lines, expected, 'each instruction ran exactly once');
    const view = await f.status();
    for (const s of view.sessions) assert.equal(s.state, 'done', `${s.id} finished`);
    assert.deepEqual(
      view.violations.filter((v: { severity: string }) => v.severity === 'error'),
      [],
    );
  });

  it('a loop killed mid-run restarts (taking over its lock) and loses nothing', async () => {
    const log = path.join(require('node:os').tmpdir(), `s2-kill-${process.pid}-${Date.now()}.log`);
    f = await SwarmFixture.create('worktree', manifest(['a', 'b'], executor(log, false, 2), 2));
    addInstruction(f, 'a', 1);
    const cli = path.resolve(__dirname, '../../../dist/cli.js');
    const env = { ...process.env, S2_HOME: f.home, S2_SESSION: 'a' };
    const first = spawn('node', [cli, 'poll', '--interval', '0.2'], {
      cwd: f.dir('a'),
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    first.stderr!.on('data', (b) => (errors += b));
    await until(
      () => {
        try {
          git(f.coord, 'cat-file', '-e', 's2/sessions/a:.s2/sessions/a/acks/a-p1.yaml');
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      'the ack',
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const second = spawn('node', [cli, 'poll', '--interval', '0.2'], {
      cwd: f.dir('a'),
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    second.stderr!.on('data', (b) => (errors += b));
    try {
      await until(
        async () => (await f.status()).sessions[0].phase === 2,
        60_000,
        'phase 1 complete after the restart',
      ).catch((e) => {
        throw new Error(`${e.message}; loop stderr: ${errors}`);
      });
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
    const witness = git(f.coord, 'show', 's2/sessions/a:.s2/sessions/a/witness.jsonl')
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(
      git(f.coord, 'ls-tree', '--name-only', 's2/sessions/a', '.s2/sessions/a/acks/').split('\n').filter(Boolean)
        .length,
      1,
      'one acknowledgement',
    );
    assert.equal(witness.filter((w) => w.action === 'start-phase').length, 1, 'the instruction was taken once');
    assert.ok(
      witness.some((w) => w.action === 'attempt-failed' && /interrupted/.test(w.detail)),
      'the interrupted run is on record',
    );
    assert.equal(witness.filter((w) => w.action === 'complete-phase').length, 1);
    const view = await f.status();
    assert.deepEqual(
      view.violations.filter((v: { severity: string }) => v.severity === 'error'),
      [],
    );
  });

  it('backs off exponentially while the remote fails (fetches counted)', async () => {
    f = await SwarmFixture.create('remote', manifest(['a', 'b'], 'true'));
    git(f.dir('a'), 'remote', 'set-url', 'origin', path.join(f.root, 'gone.git'));
    const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env: { ...process.env, S2_HOME: f.home } });
    const p = new Poller(s, { intervalSeconds: 0.2, heartbeat: false });
    const delays: number[] = [];
    p.onDidTick((r) => delays.push(r.nextDelayMs));
    const run = p.run();
    await new Promise((r) => setTimeout(r, 7000));
    p.stop();
    await run;
    s.dispose();
    // Without backoff a 0.2 s interval makes ~35 fetches in 7 s; with 1 s ×2 (jittered) at most 5.
    assert.ok(p.fetches <= 5, `fetches: ${p.fetches}`);
    assert.ok(p.fetches >= 3, `fetches: ${p.fetches}`);
    for (let i = 1; i < delays.length; i++)
      assert.ok(delays[i]! > delays[i - 1]! * 0.9, `delays grow: ${delays.join(', ')}`);
  });

  it('against a remote, a check between ticks (a fetch on the adaptive schedule) wakes the loop when another session writes', async () => {
    f = await SwarmFixture.create(
      'remote',
      manifest(['a', 'b'], 'true', 2)
        .replace('intervalSeconds: 0.3', 'intervalSeconds: 600')
        .replace('probeSeconds: 0.1', 'probeSeconds: 0.2'),
    );
    const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env: { ...process.env, S2_HOME: f.home } });
    const p = new Poller(s, { heartbeat: false, execute: false });
    const seen = new Promise<string>((resolve) => p.onDidEmitEvent((e) => e.type === 'BLOCKING' && resolve(e.message)));
    const run = p.run();
    try {
      await until(() => p.fetches === 1, 30_000, 'the first tick');
      assert.equal((await f.cli('b', ['block', '--on', 'a:2', '--reason', 'needs a'])).code, 0);
      const message = await Promise.race([
        seen,
        new Promise<string>((_, reject) =>
          setTimeout(() => reject(new Error('no BLOCKING event: the probe did not wake the loop')), 60_000),
        ),
      ]);
      assert.match(message, /You block 1 session/);
      // The 600 s interval has not passed: the fetch that brought the block was a check between
      // ticks, not the timer's tick (the tick it woke found the fetch done and fetched nothing).
      assert.ok(p.probes >= 1, `checks between ticks: ${p.probes}`);
      assert.equal(p.fetches, p.probes + 1, 'one fetch by the first tick, the rest by checks');
    } finally {
      p.stop();
      await run;
      s.dispose();
    }
  });
});
