import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { headBranch, locateGitDirs, readRefTips } from '../../src/git/refTips';
import { Poller } from '../../src/loop/poller';
import { SwarmSession } from '../../src/loop/swarmSession';
import { git, SwarmFixture } from '../helpers/gitFixture';

/**
 * `s2 hook claude` through the built executable (dist/cli.js): a plain tool call is answered
 * from the decision cache in .git/s2/hook-cache/ without reading the swarm, and only while
 * that answer is still right. "Without reading the swarm" is observed by running the hook
 * with no git on the PATH: the full path then cannot read and says so on stderr; the fast path
 * answers in silence. Needs `npm run build`.
 */
const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const BASH = { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } };
const TASK = { hook_event_name: 'PreToolUse', tool_name: 'Task', tool_use_id: 'toolu_1', tool_input: {} };
const USAGE = (outputTokens: number) => ({ input_tokens: 10, output_tokens: outputTokens });

describe('the hook answers from its decision cache only while it is right (dist/cli.js)', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  let noGit: string;
  let transcript: string;
  beforeEach(async () => {
    f = await SwarmFixture.create(
      'worktree',
      'swarm: test\nsessions:\n  a:\n    budgetUsd: 1\n    maxAgents: 2\n    phaseCount: 2\n  b:\n    phaseCount: 2\n',
    );
    noGit = path.join(f.root, 'no-git-bin');
    mkdirSync(noGit);
    transcript = path.join(f.root, 'transcript.jsonl');
    writeFileSync(transcript, `${JSON.stringify({ type: 'user', message: { role: 'user', content: 'go' } })}\n`);
  });
  afterEach(() => f.cleanup());

  function hook(input: Record<string, unknown>, opts: { git?: boolean; now?: string } = {}) {
    const r = spawnSync(process.execPath, [CLI, '--repo', f.dir('a'), 'hook', 'claude'], {
      input: JSON.stringify(input),
      encoding: 'utf8',
      env: {
        ...process.env,
        S2_HOME: f.home,
        S2_SESSION: 'a',
        ...(opts.git === false ? { PATH: noGit } : {}),
        ...(opts.now ? { S2_NOW: opts.now } : {}),
      },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const silent = (r: { code: number | null; stdout: string; stderr: string }) =>
    r.code === 0 && r.stdout === '' && r.stderr === '';
  const assistant = (id: string, outputTokens: number) =>
    `${JSON.stringify({ type: 'assistant', message: { id, model: 'claude-sonnet-4-5', usage: USAGE(outputTokens) } })}\n`;

  it('answers a plain tool call without git once a full read cached it', () => {
    const before = hook(BASH, { git: false });
    assert.match(before.stderr, /could not run git/, 'no cache yet: the full path ran');
    assert.ok(silent(hook(BASH)), 'a full read with git: no opinion');
    assert.ok(silent(hook(BASH, { git: false })), 'answered from the cache, no git needed');
  });

  describe('agent slots on the fast path (the slot journal)', () => {
    const journalFile = () => path.join(f.coord, '.git', 's2', 'hook-cache', 'slots-a.json');
    const journal = () =>
      JSON.parse(readFileSync(journalFile(), 'utf8').split('\n', 2)[1]!) as { entries: { op: string; id: string }[] };
    const spawnOf = (id: string, extra: Record<string, unknown> = {}) => ({ ...TASK, tool_use_id: id, ...extra });
    const runningOf = async () =>
      (await f.status('b')).sessions.find((x: { id: string }) => x.id === 'a').agentsRunning as number;
    /** Any commit on the coordination branch voids every cache: the next call reads in full. */
    /** Without git the full path cannot read: a spawn is denied for that (fail closed), a plain call says so on stderr. */
    const readInFull = (r: { stdout: string; stderr: string }) =>
      /could not (run git|read the swarm)/.test(r.stdout + r.stderr);
    const moveMain = () => git(f.coord, 'commit', '-q', '--allow-empty', '-m', 'someone moved main');

    it('a spawn takes a slot without git; the next full read commits it, witnessed', async () => {
      assert.ok(silent(hook(BASH)), 'a full read: the cache and an empty journal');
      assert.ok(silent(hook(spawnOf('toolu_1'), { git: false })), 'the spawn is answered without reading the swarm');
      assert.deepEqual(
        journal().entries.map((e) => [e.op, e.id]),
        [['start', 'claude:toolu_1']],
      );
      assert.equal(await runningOf(), 0, 'not in the records yet');
      moveMain();
      assert.ok(silent(hook(BASH)), 'a full read commits the journal');
      assert.equal(await runningOf(), 1);
      assert.deepEqual(journal().entries, [], 'the journal is emptied once committed');
      assert.match(git(f.coord, 'log', '-1', '--format=%s', 's2/sessions/a'), /agent started: claude:toolu_1/);
      const witness = git(f.coord, 'show', 's2/sessions/a:.s2/sessions/a/witness.jsonl');
      assert.match(witness, /agent-start.*claude:toolu_1 \(claude hook at .*from the slot journal\)/);
    });

    it('the cap holds across the journal: a spawn past it goes to the full path, which denies it', async () => {
      assert.ok(silent(hook(BASH)));
      assert.ok(silent(hook(spawnOf('toolu_1'), { git: false })));
      assert.ok(silent(hook(spawnOf('toolu_2'), { git: false })), 'the second of two slots');
      assert.ok(readInFull(hook(spawnOf('toolu_3'), { git: false })), 'no slot left: full path');
      assert.match(hook(spawnOf('toolu_3')).stdout, /"deny".*agent cap/);
      assert.equal(await runningOf(), 2);
    });

    it('of many spawns at once, fast and full, only as many as the cap allows get a slot', async () => {
      assert.ok(silent(hook(BASH)));
      const run = (id: string) =>
        new Promise<string>((resolve) => {
          const c = spawn(process.execPath, [CLI, '--repo', f.dir('a'), 'hook', 'claude'], {
            env: { ...process.env, S2_HOME: f.home, S2_SESSION: 'a' },
          });
          let out = '';
          c.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
          c.on('close', () => resolve(out));
          c.stdin.end(JSON.stringify(spawnOf(id)));
        });
      const outs = await Promise.all(['t1', 't2', 't3', 't4', 't5', 't6'].map((i) => run(`toolu_${i}`)));
      assert.equal(outs.filter((o) => o === '').length, 2, `allowed: ${JSON.stringify(outs)}`);
      assert.equal(outs.filter((o) => /"deny".*agent cap/.test(o)).length, 4);
      moveMain();
      assert.ok(silent(hook(BASH)));
      assert.equal(await runningOf(), 2);
    });

    it('a slot the transcript shows ended is freed on the fast path, and a spawn may take it', async () => {
      const call = (x: Record<string, unknown>) => ({ ...x, transcript_path: transcript });
      assert.ok(silent(hook(call(BASH))));
      assert.ok(silent(hook(call(spawnOf('toolu_1')), { git: false })));
      assert.ok(silent(hook(call(spawnOf('toolu_2')), { git: false })));
      appendFileSync(
        transcript,
        `${JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] } })}\n`,
      );
      assert.ok(silent(hook(call({ ...spawnOf('toolu_1'), hook_event_name: 'PostToolUse' }), { git: false })));
      assert.ok(silent(hook(call(spawnOf('toolu_3')), { git: false })), 'the freed slot is taken again');
      assert.deepEqual(
        journal().entries.map((e) => `${e.op} ${e.id}`),
        ['start claude:toolu_1', 'start claude:toolu_2', 'stop claude:toolu_1', 'start claude:toolu_3'],
      );
      moveMain();
      assert.ok(silent(hook(call(BASH))));
      assert.equal(await runningOf(), 2);
    });

    it('the loop commits the journal on its tick, so other sessions see the slot', async () => {
      assert.ok(silent(hook(BASH)));
      assert.ok(silent(hook(spawnOf('toolu_1'), { git: false })));
      const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env: { ...process.env, S2_HOME: f.home } });
      const p = new Poller(s, { heartbeat: false, execute: false });
      try {
        await p.tick();
      } finally {
        p.dispose();
        s.dispose();
      }
      assert.equal(await runningOf(), 1);
      assert.deepEqual(journal().entries, []);
    });

    const lostViolations = async () =>
      ((await f.status('b')).violations as { code: string; session: string; message: string }[]).filter(
        (v) => v.code === 'SLOT_JOURNAL_LOST' && v.session === 'a',
      );

    it('a journal edited without the key, or swapped for an older one, is not answered from, and the loss is recorded', async () => {
      assert.ok(silent(hook(BASH)));
      assert.ok(silent(hook(spawnOf('toolu_1'), { git: false })));
      const before = readFileSync(journalFile(), 'utf8');
      const [mac, json] = before.split('\n', 2) as [string, string];
      writeFileSync(journalFile(), `${mac}\n${JSON.stringify({ ...JSON.parse(json), entries: [] })}`);
      assert.ok(readInFull(hook(spawnOf('toolu_2'), { git: false })), 'edited: full path');
      assert.deepEqual(await lostViolations(), [], 'nothing committed yet');
      moveMain();
      assert.ok(silent(hook(BASH)), 'the next full read finds the edited journal');
      assert.equal((await lostViolations()).length, 1);
      assert.match(
        git(f.coord, 'show', 's2/sessions/a:.s2/sessions/a/witness.jsonl'),
        /slot-journal-lost.*was edited without the clone key/,
      );
      // A copy of another epoch (kept from before the last commit) is not this journal either.
      writeFileSync(journalFile(), before);
      assert.ok(readInFull(hook(spawnOf('toolu_2'), { git: false })), 'swapped: full path');
    });

    it('removing the journal to free its slots leaves a signed trace every session sees', async () => {
      assert.ok(silent(hook(BASH)));
      assert.ok(silent(hook(spawnOf('toolu_1'), { git: false })));
      assert.ok(silent(hook(spawnOf('toolu_2'), { git: false })), 'the cap of 2 is reached on the journal');
      rmSync(journalFile());
      assert.ok(readInFull(hook(spawnOf('toolu_3'), { git: false })), 'no journal: the fast path does not answer');
      // The full path cannot know the slots the journal held: the records had none.
      assert.ok(silent(hook(spawnOf('toolu_3'))));
      const [v] = await lostViolations();
      assert.ok(v, 'SLOT_JOURNAL_LOST');
      assert.match(v.message, /removed, edited or replaced once.*more agents than its cap of 2/);
      assert.match(
        git(f.coord, 'show', 's2/sessions/a:.s2/sessions/a/witness.jsonl'),
        /slot-journal-lost.*was removed/,
      );
      // The session signs its own status: one that drops the count still leaves the witness entry.
      const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env: { ...process.env, S2_HOME: f.home } });
      try {
        const { snapshot } = await s.view();
        await (
          await s.store(snapshot.plan)
        ).commit({
          status: (st) => ({ ...st, agents: { running: st.agents.running, journals: st.agents.journals } }),
          message: 'a status without the count',
        });
      } finally {
        s.dispose();
      }
      assert.equal((await lostViolations()).length, 1, 'still reported, from the witness log');
    });
  });

  it('a spend recorded after the cache was written is seen: the moved tip sends the call to a full read', async () => {
    assert.ok(silent(hook(BASH)));
    assert.equal((await f.cli('a', ['spend', '2'])).code, 0);
    assert.match(hook(BASH).stdout, /"deny".*budget guard/);
  });

  it('another session moving the coordination branch makes the cache stale too', () => {
    assert.ok(silent(hook(BASH)));
    git(f.coord, 'commit', '-q', '--allow-empty', '-m', 'someone moved main');
    assert.match(hook(BASH, { git: false }).stderr, /could not run git/);
  });

  it('a cache forged in .git (a permissive standing under the old MAC) is ignored', async () => {
    assert.equal((await f.cli('a', ['spend', '2'])).code, 0);
    assert.match(hook(BASH).stdout, /"deny".*budget guard/);
    const file = path.join(f.root, 'coord', '.git', 's2', 'hook-cache', 'session-a.json');
    const [mac, json] = readFileSync(file, 'utf8').split('\n', 2) as [string, string];
    assert.ok(JSON.parse(json).budgetFraction >= 1, 'the cache holds the over-budget standing');
    writeFileSync(file, `${mac}\n${JSON.stringify({ ...JSON.parse(json), budgetFraction: 0 })}`);
    assert.match(hook(BASH, { git: false }).stderr, /could not run git/, 'the forged cache was not used');
    assert.match(hook(BASH).stdout, /"deny".*budget guard/);
  });

  it('spend in the transcript not metered yet counts against the budget on the fast path', () => {
    const call = { ...BASH, transcript_path: transcript };
    assert.ok(silent(hook(call)));
    appendFileSync(transcript, assistant('msg_small', 1_000)); // $0.015
    assert.ok(silent(hook(call, { git: false })), 'a small unmetered spend: still answered from the cache');
    appendFileSync(transcript, assistant('msg_big', 100_000)); // $1.50: over the $1 budget
    assert.match(hook(call, { git: false }).stderr, /could not run git/, 'over budget: the full path decides');
    assert.match(hook(call).stdout, /"deny".*budget guard/);
  });

  it('a cache older than its lifetime is not used (the full read meters and refreshes it)', () => {
    const t = Date.parse('2026-11-29T10:00:00Z');
    assert.ok(silent(hook(BASH, { now: new Date(t).toISOString() })));
    assert.ok(silent(hook(BASH, { git: false, now: new Date(t + 5_000).toISOString() })));
    assert.match(hook(BASH, { git: false, now: new Date(t + 60_000).toISOString() }).stderr, /could not run git/);
  });

  it('reads ref tips from the files as git resolves them, loose and packed, from a worktree', async () => {
    const dirs = (await locateGitDirs(f.dir('a')))!;
    assert.equal(dirs.commonDir, path.join(f.coord, '.git'));
    assert.equal(await headBranch(dirs.gitDir), 's2/work/a');
    const names = ['refs/heads/main', 'refs/heads/s2/work/a', 'refs/heads/s2/work/b', 'refs/heads/nope'];
    const asGit = (n: string) => (n.endsWith('nope') ? null : git(f.coord, 'rev-parse', n));
    for (const pack of [false, true]) {
      if (pack) git(f.coord, 'pack-refs', '--all');
      const tips = await readRefTips(dirs.commonDir, names);
      assert.deepEqual(tips, Object.fromEntries(names.map((n) => [n, asGit(n)])), pack ? 'packed' : 'loose');
    }
    assert.equal(await readRefTips(dirs.commonDir, ['refs/heads/../../config']), null, 'not a ref name');
  });

  it("tool calls answered from the cache count as seen by a hook: the loop's watch raises no HOOKS_OFF", async () => {
    const claudeHome = path.join(f.root, 'claude');
    const env = { ...process.env, S2_HOME: f.home, CLAUDE_CONFIG_DIR: claudeHome };
    assert.equal((await f.cli('a', ['install-hooks'], { CLAUDE_CONFIG_DIR: claudeHome })).code, 0);
    const call = { ...BASH, transcript_path: transcript };
    assert.ok(silent(hook(call)), 'a full read: the meter starts here');
    // Three tool calls five minutes old (past the watch's grace period), read only by the fast path.
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    for (const id of ['t1', 't2', 't3'])
      appendFileSync(
        transcript,
        `${JSON.stringify({ type: 'assistant', timestamp: at, message: { id: `msg_${id}`, model: 'claude-sonnet-4-5', usage: USAGE(10_000), content: [{ type: 'tool_use', id: `toolu_${id}`, name: 'Bash', input: {} }] } })}\n`,
      );
    assert.ok(silent(hook(call, { git: false })), 'answered from the cache');
    const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env });
    const p = new Poller(s, { heartbeat: false, execute: false });
    try {
      assert.deepEqual(
        (await p.tick()).events.filter((e) => e.type === 'HOOKS_OFF').map((e) => e.message),
        [],
      );
    } finally {
      p.dispose();
      s.dispose();
    }
    const a = (await f.status('b')).sessions.find((x: { id: string }) => x.id === 'a');
    assert.equal(a.meteredUsd, 0.45, 'the agent went quiet: the loop recorded the spend the cache answered for');
  });

  it('works the same in a clone of a remote: own local and remote-tracking refs are both compared', async () => {
    const g = await SwarmFixture.create(
      'remote',
      'swarm: test\nsessions:\n  a:\n    budgetUsd: 1\n    phaseCount: 2\n  b:\n    phaseCount: 2\n',
    );
    try {
      const run = (git_: boolean) =>
        spawnSync(process.execPath, [CLI, '--repo', g.dir('a'), 'hook', 'claude'], {
          input: JSON.stringify(BASH),
          encoding: 'utf8',
          env: { ...process.env, S2_HOME: g.home, S2_SESSION: 'a', ...(git_ ? {} : { PATH: noGit }) },
        });
      const full = run(true);
      assert.equal(full.status, 0);
      assert.equal(full.stdout, '', 'a full read: no opinion');
      const fast = run(false);
      assert.equal(fast.stdout + fast.stderr, '', 'answered from the cache in the clone');
      assert.equal((await g.cli('a', ['spend', '2'])).code, 0);
      assert.match(run(true).stdout, /"deny".*budget guard/);
    } finally {
      g.cleanup();
    }
  });
});
