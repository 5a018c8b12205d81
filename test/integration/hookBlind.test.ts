import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { main } from '../../src/cli/main';
import { git, simpleManifest, SwarmFixture } from '../helpers/gitFixture';

/**
 * Issue #20 item 1: when S² cannot read the swarm, the Claude Code hook fails closed for
 * sub-agent spawns at once, and for every call once the swarm has been unreadable for longer
 * than S2_HOOK_BLIND_SECONDS. Before, it let every call through.
 */
describe('the hook when the swarm cannot be read', function () {
  this.timeout(60_000);
  let f: SwarmFixture;
  before(async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b'], 2));
  });
  after(() => f.cleanup());

  async function hook(tool: string, at: string): Promise<{ stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(['hook', 'claude'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { ...process.env, S2_HOME: f.home, S2_SESSION: 'a', S2_NOW: at, S2_HOOK_BLIND_SECONDS: '60' },
      cwd: f.dir('a'),
      stdin: async () =>
        JSON.stringify({
          hook_event_name: 'PreToolUse',
          session_id: 'c',
          tool_name: tool,
          tool_use_id: `${tool}-${at}`,
        }),
    });
    assert.equal(code, 0);
    return { stdout, stderr };
  }

  it('denies spawns at once, everything after the limit, and recovers when the swarm reads again', async () => {
    const t0 = Date.parse('2030-01-01T00:00:00Z');
    const at = (s: number): string => new Date(t0 + s * 1000).toISOString();
    assert.doesNotMatch((await hook('Bash', at(0))).stdout, /deny/);
    // Poison the coordination branch: its tree names a tree that is not in the object store.
    const good = git(f.coord, 'rev-parse', 'main');
    const tree = execFileSync('git', ['mktree', '--missing'], {
      cwd: f.coord,
      input: `040000 tree ${'ab'.repeat(20)}\t.s2\n`,
      encoding: 'utf8',
    }).trim();
    git(f.coord, 'update-ref', 'refs/heads/main', git(f.coord, 'commit-tree', tree, '-p', good, '-m', 'poison'));
    const spawn = await hook('Task', at(10));
    assert.match(spawn.stdout, /"permissionDecision":"deny"/);
    assert.match(spawn.stdout, /sub-agent spawn is refused/);
    const early = await hook('Bash', at(20));
    assert.doesNotMatch(early.stdout, /deny/);
    assert.match(early.stderr, /call allowed/);
    const late = await hook('Bash', at(100));
    assert.match(late.stdout, /"permissionDecision":"deny"/);
    assert.match(late.stdout, /unreadable for 90 s \(limit 60 s/);
    git(f.coord, 'update-ref', 'refs/heads/main', good);
    assert.doesNotMatch((await hook('Bash', at(110))).stdout, /deny/);
    assert.match((await hook('Task', at(120))).stdout, /^$/, 'a spawn within the cap is allowed again');
  });
});
