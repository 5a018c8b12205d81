import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('answers a plain tool call without git once a full read cached it; a spawn still reads the swarm', () => {
    const before = hook(BASH, { git: false });
    assert.match(before.stderr, /could not run git/, 'no cache yet: the full path ran');
    assert.ok(silent(hook(BASH)), 'a full read with git: no opinion');
    assert.ok(silent(hook(BASH, { git: false })), 'answered from the cache, no git needed');
    assert.match(hook(TASK, { git: false }).stdout, /"deny".*could not read the swarm/);
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
