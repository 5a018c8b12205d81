import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SwarmFixture, git } from '../helpers/gitFixture';
import { parseRecordText } from '../../src/git/recordCodec';

/**
 * Issue #14: the contract of the README holds in a newcomer's hands — a strict manifest,
 * completions that name exactly the commit that was checked, capped attempts, states that
 * can be left, and exit codes (0 ok, 1 refused, 2 usage or input error). Real git, the real CLI.
 */
const TWO = (extra = '', aPhases = '', bPhases = ''): string =>
  `swarm: contract\n${extra}sessions:\n  a:\n    expertise: [x]\n    phaseCount: 3\n${aPhases}  b:\n    expertise: [x]\n    phaseCount: 3\n${bPhases}`;

function lastCommitFiles(dir: string, commit: string): string[] {
  return git(dir, 'ls-tree', '-r', '--name-only', commit).split('\n');
}

describe('contract: the manifest is strict (issue 14, item 1)', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('a typo under a phase (valdiate) is refused by init and by validate, naming key, file, line and the nearest key', async () => {
    f = await SwarmFixture.create('worktree', TWO());
    const typo = TWO('', '    phases:\n      1:\n        valdiate: ["false"]\n');
    const file = path.join(f.root, 'typo.yaml');
    writeFileSync(file, typo);
    const before = git(f.coord, 'rev-parse', 'HEAD');
    const init = await f.cliAt(f.coord, null, ['init', '--manifest', file]);
    assert.equal(init.code, 2, init.stderr);
    assert.match(
      init.stderr,
      /typo\.yaml:8: sessions\.a\.phases\.1: unknown key "valdiate" \(did you mean "validate"\?\)/,
    );
    assert.equal(git(f.coord, 'rev-parse', 'HEAD'), before, 'nothing committed');
    // The same typo committed by hand never takes effect: the approved manifest stays in force
    // (docs/TRUST.md) and the gate reports the commit, naming the key, the line and the nearest key.
    writeFileSync(path.join(f.coord, '.s2/swarm.yaml'), typo);
    git(f.coord, 'commit', '-qam', 'typo');
    const v = await f.cli('a', ['validate', '--strict']);
    assert.equal(v.code, 1, v.stderr);
    const unapproved = v.json().violations.find((x: { code: string }) => x.code === 'MANIFEST_UNAPPROVED');
    assert.match(unapproved.message, /\.s2\/swarm\.yaml:8: .*unknown key "valdiate" \(did you mean "validate"\?\)/);
  });
});

describe('contract: complete-phase judges exactly the committed tip (item 2)', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('refuses with uncommitted files, then validates and names the commit that has them', async () => {
    f = await SwarmFixture.create('worktree', TWO('', '    phases:\n      1: { validate: ["test -f out.txt"] }\n'));
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    writeFileSync(path.join(f.dir('a'), 'out.txt'), 'made but not committed\n');
    const dirty = await f.cli('a', ['complete-phase', '1']);
    assert.equal(dirty.code, 1, dirty.stderr);
    assert.match(dirty.stderr, /uncommitted change\(s\).*commit \(or stash\) first/s);
    assert.match(dirty.stderr, /\?\? out\.txt/);
    assert.equal((await f.status()).sessions[0].phases[0].state, 'in-progress', 'no completion recorded');
    git(f.dir('a'), 'add', 'out.txt');
    git(f.dir('a'), 'commit', '-qm', 'out');
    const ok = await f.cli('a', ['complete-phase', '1']);
    assert.equal(ok.code, 0, ok.stderr);
    const commit = ok.json().commit as string;
    assert.ok(lastCommitFiles(f.dir('a'), commit).includes('out.txt'), 'the signed commit has the file');
  });

  it('refuses when the checkout is not on the session work branch', async () => {
    f = await SwarmFixture.create('worktree', TWO());
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    const r = await f.cliAt(f.coord, 'a', ['complete-phase', '1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /is on main, not on the work branch s2\/work\/a/);
  });
});

describe('contract: a disputed completion is superseded, history kept, and re-verified (item 3)', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('complete-phase N --supersede names the fixed commit; verify checks it; the dispute stays in the record', async () => {
    // a's check passes alone but fails merged with b's work until a adds fix.txt.
    f = await SwarmFixture.create(
      'worktree',
      TWO('', '    phases:\n      1: { validate: ["test ! -f b.txt || test -f fix.txt"] }\n'),
    );
    f.work('b', 'b.txt');
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    const first = f.work('a', 'a.txt');
    assert.equal((await f.cli('a', ['complete-phase', '1'])).code, 0);
    const v1 = await f.cli('b', ['verify', 'a:1']);
    assert.equal(v1.code, 1, v1.stdout);
    assert.equal((await f.status()).sessions[0].phases[0].state, 'disputed');
    const again = await f.cli('a', ['complete-phase', '1']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /PHASE_REPEATED/);
    const same = await f.cli('a', ['complete-phase', '1', '--supersede']);
    assert.equal(same.code, 1);
    assert.match(same.stderr, /still at the disputed commit/);
    const fixed = f.work('a', 'fix.txt');
    const sup = await f.cli('a', ['complete-phase', '1', '--supersede']);
    assert.equal(sup.code, 0, sup.stderr);
    assert.equal(sup.json().commit, fixed);
    const record = JSON.stringify(
      parseRecordText(git(f.coord, 'show', 's2/sessions/a:.s2/sessions/a/phases/1.yaml'), '1.yaml'),
    );
    assert.match(record, new RegExp(`"commit":"${first}"`), 'the superseded commit is kept');
    assert.match(record, /"dispute":"[^"]*b could not verify it/);
    let view = await f.status();
    assert.equal(view.sessions[0].phases[0].state, 'done');
    assert.equal(view.sessions[0].phases[0].commit, fixed);
    const v2 = await f.cli('b', ['verify', 'a:1']);
    assert.equal(v2.code, 0, v2.stdout);
    view = await f.status();
    assert.equal(view.sessions[0].phases[0].state, 'verified');
    assert.deepEqual(
      view.violations.filter((v: { severity: string }) => v.severity === 'error'),
      [],
    );
  });
});

describe('contract: maxAttempts is a cap (item 4)', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('after maxAttempts failures every attempt is refused until reset-phase N, with the real N', async () => {
    f = await SwarmFixture.create(
      'worktree',
      TWO('polling: { maxAttempts: 2 }\n', '', '    phases:\n      2: { validate: ["test -f ok.txt"] }\n'),
    );
    f.work('b');
    assert.equal((await f.cli('b', ['start-phase', '1'])).code, 0);
    assert.equal((await f.cli('b', ['complete-phase', '1'])).code, 0);
    assert.equal((await f.cli('b', ['start-phase', '2'])).code, 0);
    assert.equal((await f.cli('b', ['complete-phase', '2'])).code, 1);
    const second = await f.cli('b', ['complete-phase', '2']);
    assert.equal(second.code, 1);
    assert.match(second.stdout, /"error": true/);
    f.work('b', 'ok.txt');
    const third = await f.cli('b', ['complete-phase', '2']);
    assert.equal(third.code, 1, 'refused although the check would pass now');
    assert.match(third.stderr, /failed 2 times \(maxAttempts 2\).*s2 reset-phase 2/);
    const start = await f.cli('b', ['start-phase', '2']);
    assert.equal(start.code, 1);
    assert.match(start.stderr, /s2 reset-phase 2\)/);
    assert.equal((await f.cli('b', ['reset-phase', '2'])).code, 0);
    assert.equal((await f.cli('b', ['complete-phase', '2'])).code, 0);
  });
});

describe('contract: adoption and states that can be left (items 5, 6)', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('an adopted phase is refused to its owner, and status shows the adoption', async () => {
    f = await SwarmFixture.create('worktree', TWO());
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    const later = { S2_NOW: new Date(Date.now() + 3_600_000).toISOString() };
    const adopt = await f.cli('b', ['adopt', 'a:1'], later);
    assert.equal(adopt.code, 0, adopt.stderr);
    const start = await f.cli('a', ['start-phase', '1'], later);
    assert.equal(start.code, 1);
    assert.match(start.stderr, /adopted by b/);
    const view = await f.status(null, later);
    assert.equal(view.sessions[0].phases[0].adoptedBy, 'b');
    const text = await f.cliAt(f.coord, null, ['status'], later);
    assert.equal(text.code, 0);
  });

  it('a phase with no validation completes with a visible notice', async () => {
    f = await SwarmFixture.create('worktree', TWO());
    f.work('a');
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    const done = await f.cli('a', ['complete-phase', '1']);
    assert.equal(done.code, 0);
    assert.match(done.stderr, /notice: phase 1 has no validation commands in the manifest; nothing was checked/);
  });

  it('block then block --clear, and reset-phase of a finished phase, leave no PHASE_REPEATED', async () => {
    f = await SwarmFixture.create('worktree', TWO());
    f.work('a');
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    assert.equal((await f.cli('a', ['complete-phase', '1'])).code, 0);
    assert.equal((await f.cli('a', ['block', '--on', 'b:1', '--reason', 'needs the schema'])).code, 0);
    assert.equal((await f.cli('a', ['block', '--clear'])).code, 0);
    let v = await f.cli(null, ['validate']);
    assert.equal(v.code, 0, v.stdout);
    const reset = await f.cli('a', ['reset-phase', '1']);
    assert.equal(reset.code, 1);
    assert.match(reset.stderr, /phase 1 is complete/);
    v = await f.cli(null, ['validate']);
    assert.equal(v.code, 0, v.stdout);
    assert.equal((await f.cli('a', ['start-phase', '2'])).code, 0, 'the session moves on');
  });
});

describe('contract: init writes to the coordination branch only and leaves nothing behind (item 9)', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it("refuses in a session's worktree, saying where to run it", async () => {
    f = await SwarmFixture.create('worktree', TWO());
    const tip = git(f.dir('a'), 'rev-parse', 'HEAD');
    const manifest = readFileSync(path.join(f.dir('a'), '.s2/swarm.yaml'), 'utf8');
    const r = await f.cliAt(f.dir('a'), null, ['init', '--sessions', 'x,y', '--swarm', 'other', '--force']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `on s2/work/a, a session's work branch\\. Run it in ${f.coord.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
    assert.equal(git(f.dir('a'), 'rev-parse', 'HEAD'), tip);
    assert.equal(readFileSync(path.join(f.dir('a'), '.s2/swarm.yaml'), 'utf8'), manifest);
    assert.ok(!existsSync(path.join(f.home, 'keys', 'other')), 'no keys');
  });

  it('refuses a dependency cycle, duplicate ids and empty approvers, writing nothing', async () => {
    f = await SwarmFixture.create('worktree', TWO());
    const fresh = path.join(f.root, 'fresh');
    git(f.root, 'init', '-q', '-b', 'main', fresh);
    const cyc = path.join(f.root, 'cycle.yaml');
    writeFileSync(
      cyc,
      'swarm: loop\nsessions:\n  a:\n    phases:\n      2: { needs: [b:2] }\n  b:\n    phases:\n      2: { needs: [a:2] }\n',
    );
    const cycle = await f.cliAt(fresh, null, ['init', '--manifest', cyc]);
    assert.equal(cycle.code, 2, cycle.stderr);
    assert.match(cycle.stderr, /cycle.*a:2.*b:2/);
    const dup = await f.cliAt(fresh, null, ['init', '--sessions', 'a,a']);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /--sessions lists "a" twice/);
    const noApprover = await f.cliAt(fresh, null, ['init', '--sessions', 'a,b', '--approvers', '']);
    assert.equal(noApprover.code, 2);
    assert.match(noApprover.stderr, /--approvers/);
    assert.ok(!existsSync(path.join(fresh, '.s2')), 'no .s2 folder');
    assert.ok(!existsSync(path.join(f.home, 'keys', 'loop')), 'no keys');
    assert.ok(!existsSync(path.join(f.home, 'keys', 'fresh')), 'no keys');
  });

  it('--example prints a commented manifest that init accepts', async () => {
    f = await SwarmFixture.create('worktree', TWO());
    const ex = await f.cliAt(f.coord, null, ['init', '--example']);
    assert.equal(ex.code, 0);
    const text = ex.json().example as string;
    assert.match(text, /# /);
    const fresh = path.join(f.root, 'fresh');
    git(f.root, 'init', '-q', '-b', 'main', fresh);
    git(fresh, 'commit', '-q', '--allow-empty', '-m', 'root');
    const file = path.join(f.root, 'example.yaml');
    writeFileSync(file, text);
    const init = await f.cliAt(fresh, null, ['init', '--manifest', file]);
    assert.equal(init.code, 0, init.stderr);
    const view = await f.cliAt(fresh, null, ['status']);
    const docs = view.json().sessions.find((s: { id: string }) => s.id === 'docs');
    assert.deepEqual(docs.phases[1].needs, ['api:2']);
  });
});

describe("contract: the manifest's coordinationBranch is followed (item 10)", function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('reads the manifest and the instructions from the branch the manifest names', async () => {
    f = await SwarmFixture.create('worktree', TWO('coordinationBranch: plan\n'));
    const started = git(f.coord, 'branch', '--list', 'plan').includes('plan');
    // The plan changes on `plan` only: a title that main never sees.
    git(f.coord, 'switch', '-q', '-C', 'plan');
    const file = path.join(f.coord, '.s2/swarm.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  b:\n', '  b:\n    title: Planned on plan\n'));
    git(f.coord, 'commit', '-qam', 'plan moves on');
    git(f.coord, 'switch', '-q', 'main');
    // A change takes effect once an approver signs it (docs/TRUST.md), on whichever branch coordinates.
    const approved = await f.cli(null, ['manifest', 'approve', '--as', 'owner']);
    assert.equal(approved.code, 0, approved.stderr);
    const view = await f.status('a');
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'b').title, 'Planned on plan');
    assert.ok(started, 'init started the named branch');
  });
});

describe('contract: the CLI finds its session from the checked-out work branch', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('acts as the session whose work branch is checked out, without --session or S2_SESSION', async () => {
    f = await SwarmFixture.create('worktree', TWO());
    const r = await f.cliAt(f.dir('b'), null, ['start-phase', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json().session, 'b');
    const none = await f.cliAt(f.coord, null, ['start-phase', '1']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /which session\?/);
  });
});

describe('contract: the smaller ones (item 11) and output that helps', function () {
  this.timeout(180_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());
  const THREE = `swarm: small
polling: { helpLeaseSeconds: 60 }
sessions:
  a:
    phaseCount: 2
  b:
    phases:
      1: { needs: [a:1] }
      2: { title: last }
  c:
    phaseCount: 2
`;
  const at = (minutes: number) => ({ S2_NOW: new Date(Date.now() + minutes * 60_000).toISOString() });
  const session = (view: { sessions: { id: string }[] }, id: string) =>
    view.sessions.find((s) => s.id === id) as unknown as Record<string, unknown>;

  it('phases listed under phases: set the phase count; start-phase says it verifies a need first', async () => {
    f = await SwarmFixture.create('worktree', THREE);
    assert.equal(session(await f.status(), 'b')['phaseCount'], 2);
    f.work('a');
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    assert.equal((await f.cli('a', ['complete-phase', '1'])).code, 0);
    const start = await f.cli('b', ['start-phase', '1']);
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stderr, /verifying a:1 first \(a need of phase 1/);
  });

  it('a help claim that lapsed, or whose blocker is done, no longer shows helping', async () => {
    f = await SwarmFixture.create('worktree', THREE);
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    assert.equal((await f.cli('c', ['help', 'a:1', '--task', 'review the parser'])).code, 0);
    assert.equal(session(await f.status(), 'c')['state'], 'helping');
    assert.notEqual(session(await f.status(null, at(120)), 'c')['state'], 'helping', 'lapsed');
    assert.equal((await f.cli('c', ['help', '--release'])).code, 0);
    assert.equal((await f.cli('c', ['help', 'a:1', '--task', 'write the tests'])).code, 0);
    f.work('a');
    assert.equal((await f.cli('a', ['complete-phase', '1'])).code, 0);
    const view = await f.status();
    assert.notEqual(session(view, 'c')['state'], 'helping', 'the blocker is done');
    assert.equal(session(view, 'c')['helping'], null);
    assert.ok(!view.violations.some((v: { code: string }) => v.code === 'HELP_MISDIRECTED'), 'no lingering claim');
  });

  it('spend, verify and integrate renew the liveness lease; integrate says how to land; validate stays clean', async () => {
    f = await SwarmFixture.create('worktree', THREE);
    f.work('a');
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    assert.equal((await f.cli('a', ['complete-phase', '1'])).code, 0);
    const [t30, t40, t50] = [at(30), at(40), at(50)];
    assert.equal((await f.cli('a', ['spend', '1'], t30)).code, 0);
    assert.equal(session(await f.status(null, t30), 'a')['heartbeatAgeSeconds'], 0, 'spend');
    assert.equal((await f.cli('c', ['verify', 'a:1'], t40)).code, 0);
    assert.equal(session(await f.status(null, t40), 'c')['heartbeatAgeSeconds'], 0, 'verify');
    const integ = await f.cli('b', ['integrate'], t50);
    assert.equal(integ.code, 0, integ.stderr);
    assert.equal(session(await f.status(null, t50), 'b')['heartbeatAgeSeconds'], 0, 'integrate');
    const land = integ.json().land;
    assert.equal(land.branch, 'main');
    git(f.coord, 'merge', '-q', '--ff-only', land.commit); // the printed way to land it works
    assert.equal(git(f.coord, 'rev-parse', 'HEAD'), land.commit);
    const v = await f.cli(null, ['validate'], t50);
    assert.equal(v.code, 0, v.stdout);
  });

  it('install-hooks writes no path of this machine into the committed settings; --local says it is machine-local', async () => {
    f = await SwarmFixture.create('worktree', THREE);
    const r = await f.cli('a', ['install-hooks']);
    assert.equal(r.code, 0, r.stderr);
    const shared = readFileSync(path.join(f.dir('a'), '.claude/settings.json'), 'utf8');
    assert.ok(!shared.includes(f.root), shared);
    assert.match(shared, /s2 --repo \\"\$CLAUDE_PROJECT_DIR\\" hook claude/);
    const local = await f.cli('a', ['install-hooks', '--local']);
    assert.equal(local.code, 0, local.stderr);
    assert.equal(local.json().machineLocal, true);
    assert.match(local.json().file, /settings\.local\.json$/);
  });

  it('agents list shows the running ids', async () => {
    f = await SwarmFixture.create('worktree', THREE);
    assert.equal((await f.cli('a', ['agents', 'start', 'reviewer-1'])).code, 0);
    const list = await f.cli('a', ['agents', 'list']);
    assert.deepEqual(list.json().agents, ['reviewer-1']);
    assert.equal((await f.cli('a', ['agents', 'stop', 'reviewer-1'])).code, 0);
  });
});

describe('contract: the importer says what it salvaged from a status file that is not valid YAML (item 11)', function () {
  this.timeout(60_000);
  it('names the file, the line of the YAML error, and what the line-by-line reading kept', async () => {
    const { ImportRepo } = await import('../helpers/importRepo');
    const r = new ImportRepo();
    try {
      const v1 = path.join(r.root, 'v1');
      mkdirSync(v1);
      writeFileSync(
        path.join(v1, 'STATUS-SESSION-1-NDI.yaml'),
        'session: session-1-ndi\nstatus: phase_2_in_progress\ntimestamp: 2025-11-12T20:45:00Z\nbad: [a: b: c\n',
      );
      const out = await r.cli(['import', 'v1', '--from', v1, '--dry-run']);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /STATUS-SESSION-1-NDI\.yaml/);
      assert.match(
        out.stdout,
        /YAML does not parse \(line \d+: [^)]*\); read line by line, salvaged: status "phase_2_in_progress" \(line 2\), phase 2, timestamp \(line 3\)/,
      );
    } finally {
      rmSync(r.root, { recursive: true, force: true });
    }
  });
});

describe('contract: the generated prompt says what verify runs (item 11)', function () {
  this.timeout(60_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('verify runs the phase checks and the session integrate commands; the swarm integrate runs only in s2 integrate', async () => {
    f = await SwarmFixture.create('worktree', TWO('integrate: ["npm test"]\n'));
    const out = path.join(f.root, 'prompts');
    assert.equal((await f.cli(null, ['prompts', '--out', out])).code, 0);
    const text = readFileSync(path.join(out, 'SESSION-A-AUTO-POLLING-V2.md'), 'utf8');
    assert.match(text, /the swarm's top-level `integrate` commands run only in `s2 integrate`/);
    assert.match(text, /complete-phase N --supersede/);
  });
});

describe('contract: a failed validation shows the failing command and its last lines', function () {
  this.timeout(60_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  it('prints the command, its exit code and the end of its output in the terminal form', async () => {
    f = await SwarmFixture.create(
      'worktree',
      TWO('', '    phases:\n      1: { validate: ["echo starting; echo the parser rejects line 7; exit 3"] }\n'),
    );
    assert.equal((await f.cli('a', ['start-phase', '1'])).code, 0);
    const { main } = await import('../../src/cli/main');
    let stdout = '';
    const code = await main(['complete-phase', '1'], {
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
      env: { ...process.env, S2_HOME: f.home, S2_SESSION: 'a' },
      cwd: f.dir('a'),
    });
    assert.equal(code, 1);
    assert.match(stdout, /✗ echo starting; echo the parser rejects line 7; exit 3 \(exit 3, \d+ ms\)/);
    assert.match(stdout, /the parser rejects line 7/);
  });
});
