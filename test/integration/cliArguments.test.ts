import { strict as assert } from 'node:assert';
import { commands } from '../../src/cli/commandTable';
import { SwarmFixture } from '../helpers/gitFixture';

/**
 * Issue #14, items 7 and 8: every command of `s2 --help`, walked with malformed arguments,
 * exits 2 at once with a message that names the argument — never 0, never 1 (a guard's
 * refusal), never a loop that runs forever. Real git, the CLI in-process.
 */
const MANIFEST = `swarm: args
sessions:
  a:
    expertise: [x]
    phaseCount: 3
    phases:
      1: { validate: ["true"] }
  b:
    expertise: [x]
    phaseCount: 3
`;

/** [argv, what the message must name]: argument errors found in the newcomer's probes, and their kin. */
const MALFORMED: [string[], RegExp][] = [
  [['start-phase'], /phase number N/],
  [['start-phase', 'abc'], /phase number N must be a whole number.*"abc"/],
  [['start-phase', '0'], /phase number N.*"0"/],
  [['start-phase', '1.5'], /phase number N.*"1\.5"/],
  [['start-phase', '99'], /phase number N must be a whole number from 1 to 3, not "99"/],
  [['start-phase', '-1'], /-1/],
  [['complete-phase', '99'], /from 1 to 3, not "99"/],
  [['complete-phase', 'ghost:1'], /SESSION:N: no session "ghost"/],
  [['complete-phase', 'b:9'], /SESSION:N: b:9 does not exist; b has phases 1\.\.3/],
  [['complete-phase', 'b:1', '--supersede'], /--supersede/],
  [['reset-phase', '99'], /from 1 to 3, not "99"/],
  [['reset-phase', 'x'], /phase number N.*"x"/],
  [['block'], /--on/],
  [['block', '--on', 'ghost:1', '--reason', 'r'], /--on: no session "ghost"/],
  [['block', '--on', 'b:99', '--reason', 'r'], /--on: b:99 does not exist/],
  [['block', '--on', 'b-1', '--reason', 'r'], /--on: "b-1" is not SESSION:PHASE/],
  [['block', '--on', 'a:2', '--reason', 'r'], /--on a:2: a cannot wait on its own phase/],
  [['block', '--on', 'b:1'], /--reason/],
  [['block', '--on', 'b:1', '--reason', ' '], /--reason/],
  [['block', '--clear', '--on', 'b:1'], /--clear/],
  [['help'], /SESSION/],
  [['help', 'ghost:1', '--task', 't'], /no session "ghost"/],
  [['help', 'ghost', '--task', 't'], /no session "ghost"/],
  [['help', 'b:99', '--task', 't'], /b:99 does not exist/],
  [['help', 'b:1', '--auto'], /SESSION\[:PHASE\], --auto or --release/],
  [['help', 'b:1', '--task', ''], /--task/],
  [['adopt'], /SESSION:PHASE/],
  [['adopt', 'ghost:1'], /no session "ghost"/],
  [['adopt', 'b'], /"b" is not SESSION:PHASE/],
  [['verify'], /SESSION:PHASE/],
  [['verify', 'ghost:1'], /no session "ghost"/],
  [['verify', 'b:0'], /"b:0" is not SESSION:PHASE/],
  [['spend'], /USD must be a non-negative amount/],
  [['spend', 'abc'], /USD must be a non-negative amount, not "abc"/],
  [['spend', 'Infinity'], /USD.*"Infinity"/],
  [['approve', 'b'], /--usd/],
  [['approve', 'b', '--usd', 'abc'], /--usd must be a positive number, not "abc"/],
  [['approve', 'b', '--usd', '0'], /--usd must be a positive number, not "0"/],
  [['approve', 'ghost', '--usd', '1'], /SESSION: no session "ghost"/],
  [['approve', '*', '--usd', '1'], /no swarm budget \(budget\.swarmUsd\)/],
  [['agents', 'fly'], /unknown verb "fly"/],
  [['agents', 'start'], /agent id/],
  [['agents', 'stop', 'ghost'], /no running agent "ghost"/],
  [['agents', 'stop'], /no agent is running/],
  [['agents', 'list', 'x'], /"x"/],
  [['validate', '--accept-rewrite', 'ghost'], /--accept-rewrite: no session "ghost"/],
  [['poll', '--ticks', 'abc'], /--ticks must be a whole number ≥ 1, not "abc"/],
  [['poll', '--ticks', '0'], /--ticks.*"0"/],
  [['poll', '--ticks=-1'], /--ticks.*"-1"/],
  [['poll', '--ticks', '1.5'], /--ticks.*"1\.5"/],
  [['poll', '--interval', 'abc'], /--interval must be a positive number, not "abc"/],
  [['poll', '--interval', '0'], /--interval.*"0"/],
  [['poll', '--once', '--ticks', '2'], /--ticks/],
  [['integrate', '--timeout', 'abc'], /--timeout/],
  [['hook', 'nosuch'], /claude/],
  [['import-usage'], /\.jsonl/],
  [['import', 'v2'], /v1/],
  [['init', '--sessions', 'a,a'], /--sessions lists "a" twice/],
  [['init', '--sessions', 'a,,b'], /--sessions.*none empty/],
  [['init', '--sessions', 'a b'], /--sessions: "a b" is not an id/],
  [['init', '--sessions', 'x', '--approvers', ''], /--approvers/],
  [['init', '--sessions', 'x', '--phases', 'ten'], /--phases must be a whole number from 1 to 1000, not "ten"/],
  [['init', '--sessions', 'x', '--phases', '0'], /--phases/],
  [['init', '--manifest', '/nonexistent/swarm.yaml'], /--manifest: cannot read \/nonexistent\/swarm\.yaml/],
  [['init', '--example', '--sessions', 'x'], /--sessions/],
  [['--session', 'ghost', 'status'], /session "ghost" is not in the manifest/],
  [['--session', 'ghost', 'validate'], /session "ghost" is not in the manifest/],
  [['--session', 'ghost', 'blockers'], /session "ghost" is not in the manifest/],
];

describe('every command refuses malformed arguments with exit 2, naming the argument', function () {
  this.timeout(300_000);
  let f: SwarmFixture;
  before(async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
  });
  after(() => f?.cleanup());

  const run = (argv: string[]) => f.cliAt(f.dir('a'), 'a', argv);

  for (const [argv, names] of MALFORMED) {
    it(`s2 ${argv.join(' ')}`, async () => {
      const r = await run(argv);
      assert.equal(r.code, 2, `exit ${r.code}\n${r.stderr}\n${r.stdout}`);
      assert.match(r.stderr, names);
    });
  }

  it('every command of s2 --help: an unknown flag, a flag without its value, and an extra argument', async () => {
    const undeclared = commands.filter((c) => c.maxPositionals === undefined).map((c) => c.name);
    assert.deepEqual(undeclared, [], 'each command says how many positional arguments it takes (maxPositionals)');
    for (const c of commands) {
      const unknown = await run([c.name, '--no-such-flag']);
      assert.equal(unknown.code, 2, `${c.name} --no-such-flag: exit ${unknown.code}`);
      assert.match(unknown.stderr, /--no-such-flag/, c.name);
      for (const [flag, spec] of Object.entries(c.options)) {
        if (spec.type !== 'string') continue;
        const missing = await run([c.name, `--${flag}`]);
        assert.equal(missing.code, 2, `${c.name} --${flag} (no value): exit ${missing.code}`);
        assert.match(missing.stderr, new RegExp(`--${flag}`), `${c.name} --${flag}`);
      }
      if (c.maxPositionals === Number.POSITIVE_INFINITY) continue; // import-usage FILE…
      const extra = await run([c.name, ...Array<string>(c.maxPositionals!).fill('1'), 'extra-arg']);
      assert.equal(extra.code, 2, `${c.name} with one argument too many: exit ${extra.code}`);
      assert.match(extra.stderr, /unexpected argument "extra-arg"/, c.name);
    }
  });

  it('nothing was written by any of the refused commands', async () => {
    const view = await f.status();
    for (const s of view.sessions) assert.equal(s.declaredState, null, `${s.id} has no status record`);
  });
});
