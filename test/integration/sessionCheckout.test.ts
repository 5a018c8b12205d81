import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROMPT_BEGIN, PROMPT_END } from '../../src/core/promptSection';
import { git, simpleManifest, SwarmFixture } from '../helpers/gitFixture';

/**
 * `s2 session open/list/close` on real git, in both topologies: the embedded default (a
 * worktree of the repository on the session's work branch) and a remote (a clone of it).
 * A checkout with anything in it that is not S²'s own is never removed.
 */
const S2 = ['--s2', 's2'];

describe('s2 session open, list and close', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  describe('worktree topology (from a workspace on main)', () => {
    beforeEach(async () => {
      f = await SwarmFixture.create('worktree', simpleManifest(['ndi', 'sip', 'web']), { checkouts: false });
      // The person's own CLAUDE.md on main: open must keep it byte for byte.
      writeFileSync(path.join(f.coord, 'CLAUDE.md'), '# House rules\n\nRun the tests.\n');
      git(f.coord, 'add', 'CLAUDE.md');
      git(f.coord, 'commit', '-q', '-m', 'house rules');
    });

    it('creates a worktree on s2/work/<id> with the hooks and the prompt, then reuses it', async () => {
      const dir = path.join(f.root, 'checkouts', 'ndi');
      const r = await f.cliAt(f.coord, null, ['session', 'open', 'ndi', '--path', dir, ...S2]);
      assert.equal(r.code, 0, r.stderr);
      const o = r.json();
      assert.equal(o.path, dir);
      assert.equal(o.topology, 'worktree');
      assert.equal(o.reused, false);
      assert.equal(git(dir, 'symbolic-ref', 'HEAD'), 'refs/heads/s2/work/ndi');
      const settings = JSON.parse(readFileSync(path.join(dir, '.claude', 'settings.json'), 'utf8'));
      assert.equal(settings.hooks.PreToolUse[0].hooks[0].command, 's2 --session ndi hook claude');
      assert.ok(settings.hooks.Notification, 'the Notification hook sees a wait on a person');
      const claude = readFileSync(path.join(dir, 'CLAUDE.md'), 'utf8');
      assert.ok(claude.startsWith('# House rules\n\nRun the tests.\n'), 'the person text is kept');
      assert.ok(claude.includes(PROMPT_BEGIN) && claude.includes(PROMPT_END));
      assert.match(claude, /ndi/);
      assert.match(o.startCommand, /S2_SESSION=ndi claude$/);
      // The runtime finds the S² MCP server as this session, in a file git does not show (machine paths).
      const mcp = JSON.parse(readFileSync(path.join(dir, '.mcp.json'), 'utf8'));
      assert.deepEqual(mcp.mcpServers.s2.args.slice(-5), ['--repo', dir, '--session', 'ndi', 'mcp']);
      assert.doesNotMatch(git(dir, 'status', '--porcelain'), /\.mcp\.json/);

      const again = await f.cliAt(f.coord, null, ['session', 'open', 'ndi', ...S2]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.json().reused, true);
      assert.equal(again.json().path, dir);
      assert.equal(readFileSync(path.join(dir, 'CLAUDE.md'), 'utf8'), claude, 'a second open changes nothing');

      const list = await f.cliAt(f.coord, null, ['session', 'list']);
      assert.equal(list.code, 0, list.stderr);
      const rows = list.json().sessions as { session: string; path: string | null; runtime: string }[];
      assert.equal(rows.find((x) => x.session === 'ndi')!.path, dir);
      assert.equal(rows.find((x) => x.session === 'sip')!.path, null);
      assert.equal(rows.find((x) => x.session === 'ndi')!.runtime, 'claude');
    });

    it('close removes a clean worktree (the branch and its commits stay) and refuses a dirty one', async () => {
      const dir = path.join(f.root, 'checkouts', 'sip');
      assert.equal((await f.cliAt(f.coord, null, ['session', 'open', 'sip', '--path', dir, ...S2])).code, 0);
      writeFileSync(path.join(dir, 'work.txt'), 'half done\n');
      git(dir, 'add', 'work.txt');
      git(dir, 'commit', '-q', '-m', 'work');
      const tip = git(dir, 'rev-parse', 'HEAD');
      writeFileSync(path.join(dir, 'notes.txt'), 'not committed\n');

      const refused = await f.cliAt(f.coord, null, ['session', 'close', 'sip']);
      assert.equal(refused.code, 1, 'a dirty checkout is refused');
      assert.match(refused.stderr + refused.stdout, /notes\.txt/);
      assert.equal(readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'not committed\n', 'nothing was lost');

      // The person's part of CLAUDE.md edited: also work, also refused.
      writeFileSync(path.join(dir, 'notes.txt'), '');
      git(dir, 'add', 'notes.txt');
      git(dir, 'commit', '-q', '-m', 'notes');
      const claude = readFileSync(path.join(dir, 'CLAUDE.md'), 'utf8');
      writeFileSync(path.join(dir, 'CLAUDE.md'), claude.replace('Run the tests.', 'Run the tests twice.'));
      assert.equal((await f.cliAt(f.coord, null, ['session', 'close', 'sip'])).code, 1);
      writeFileSync(path.join(dir, 'CLAUDE.md'), claude);

      const closed = await f.cliAt(f.coord, null, ['session', 'close', 'sip']);
      assert.equal(closed.code, 0, closed.stderr);
      assert.equal(existsSync(dir), false);
      assert.equal(git(f.coord, 'rev-parse', 's2/work/sip~1'), tip, 'the work branch keeps every commit');
      assert.match(git(f.coord, 'log', '--format=%s', 's2/work/sip'), /^notes\nwork/);
      assert.equal((await f.cliAt(f.coord, null, ['session', 'close', 'sip'])).code, 2, 'nothing left to close');
    });

    it('writes each runtime its own hooks and prompt file; the manifest names the agent', async () => {
      await f.cleanup();
      f = await SwarmFixture.create(
        'worktree',
        `swarm: test\nagent: { runtime: codex, command: "codex --full-auto" }\nsessions:\n  ndi:\n    phaseCount: 2\n  sip:\n    phaseCount: 2\n    agent: { runtime: gemini }\n`,
        { checkouts: false },
      );
      const a = await f.cliAt(f.coord, null, ['session', 'open', 'ndi', ...S2]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.json().runtime, 'codex');
      assert.match(a.json().startCommand, /S2_SESSION=ndi codex --full-auto$/);
      const codex = JSON.parse(readFileSync(path.join(a.json().path, '.codex', 'hooks.json'), 'utf8'));
      assert.deepEqual(Object.keys(codex.hooks).sort(), [
        'PermissionRequest',
        'PostToolUse',
        'PreToolUse',
        'Stop',
        'UserPromptSubmit',
      ]);
      assert.ok(readFileSync(path.join(a.json().path, 'AGENTS.md'), 'utf8').includes(PROMPT_BEGIN));

      const b = await f.cliAt(f.coord, null, ['session', 'open', 'sip', ...S2]);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(b.json().runtime, 'gemini');
      assert.match(b.json().startCommand, /S2_SESSION=sip gemini$/);
      const gemini = JSON.parse(readFileSync(path.join(b.json().path, '.gemini', 'settings.json'), 'utf8'));
      assert.equal(gemini.hooks.BeforeTool[0].hooks[0].command, 's2 --session sip hook gemini');
      assert.ok(readFileSync(path.join(b.json().path, 'GEMINI.md'), 'utf8').includes(PROMPT_BEGIN));
      assert.equal(b.json().path, path.join(path.dirname(f.coord), 'coord-sessions', 'sip'));

      // Hook files and prompt files are S²'s own: a fresh checkout closes cleanly.
      assert.equal((await f.cliAt(f.coord, null, ['session', 'close', 'sip'])).code, 0);
      assert.equal(existsSync(b.json().path), false);
    });

    it('bad input is a clear error that changes nothing', async () => {
      const unknown = await f.cliAt(f.coord, null, ['session', 'open', 'nope', ...S2]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /not in the manifest/);
      const runtime = await f.cliAt(f.coord, null, ['session', 'open', 'ndi', '--runtime', 'cursor', ...S2]);
      assert.equal(runtime.code, 2);
      assert.match(runtime.stderr, /--runtime must be one of claude, codex, gemini/);
      const full = path.join(f.root, 'full');
      git(f.root, 'init', '-q', full);
      const taken = await f.cliAt(f.coord, null, ['session', 'open', 'ndi', '--path', full, ...S2]);
      assert.equal(taken.code, 2);
      assert.match(taken.stderr, /exists and is not empty/);
    });
  });

  describe('remote topology (clones of a bare remote)', () => {
    let person: string;
    beforeEach(async () => {
      f = await SwarmFixture.create('remote', simpleManifest(['ndi', 'sip']), { checkouts: false });
      person = path.join(f.root, 'person');
      git(f.root, 'clone', '-q', f.bare!, person);
    });

    it('clones the remote on the work branch, and never removes a clone with unpushed commits', async () => {
      const dir = path.join(f.root, 'clones', 'ndi');
      const r = await f.cliAt(person, null, ['session', 'open', 'ndi', '--path', dir, '--runtime', 'codex', ...S2]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json().topology, 'clone');
      assert.equal(git(dir, 'symbolic-ref', 'HEAD'), 'refs/heads/s2/work/ndi');
      assert.equal(git(dir, 'remote', 'get-url', 'origin'), f.bare);
      assert.ok(existsSync(path.join(dir, '.codex', 'hooks.json')));
      const again = await f.cliAt(person, null, ['session', 'open', 'ndi', ...S2]);
      assert.equal(again.json().reused, true);
      assert.equal(again.json().path, dir);

      writeFileSync(path.join(dir, 'feature.txt'), 'x\n');
      git(dir, 'add', 'feature.txt');
      git(dir, 'commit', '-q', '-m', 'feature');
      const refused = await f.cliAt(person, null, ['session', 'close', 'ndi']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr + refused.stdout, /1 commit\(s\) on local branches that no remote has/);
      assert.ok(existsSync(path.join(dir, 'feature.txt')));

      git(dir, 'push', '-q', 'origin', 'HEAD');
      const listed = (await f.cliAt(person, null, ['session', 'list'])).json().sessions;
      assert.equal(listed.find((x: { session: string }) => x.session === 'ndi').topology, 'clone');
      const closed = await f.cliAt(person, null, ['session', 'close', 'ndi']);
      assert.equal(closed.code, 0, closed.stderr);
      assert.equal(existsSync(dir), false);
      assert.match(git(f.bare!, 'log', '--format=%s', 's2/work/ndi'), /^feature/, 'the pushed work is on the remote');
    });
  });
});
