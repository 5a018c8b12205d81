import { strict as assert } from 'node:assert';
import { main } from '../../src/cli/main';
import { SwarmFixture } from '../helpers/gitFixture';

/**
 * Every runtime's hook with its documented input shapes, through the real CLI on a real
 * swarm: a sub-agent spawn over the cap is denied, any tool over budget is denied, and the
 * runtime's "a person is needed" signal marks the session awaiting-input until it works again.
 * Shapes: Claude Code hooks reference; Codex codex-rs/hooks/schema/generated/*.command.input
 * .schema.json; Gemini CLI docs/hooks/reference.md (versions in docs/RUNTIMES.md).
 */
const MANIFEST = `swarm: test
polling: { heartbeatSeconds: 3600, awaitingInputStuckSeconds: 600 }
sessions:
  ndi:
    budgetUsd: 10
    maxAgents: 1
    phaseCount: 2
  web:
    phaseCount: 2
    phases:
      1: { needs: [ndi:1] }
`;

const codexBase = {
  session_id: 'c0ffee',
  turn_id: 'turn-1',
  transcript_path: null,
  cwd: '/tmp',
  model: 'gpt-5',
  permission_mode: 'default',
};
const geminiBase = {
  session_id: 'g-1',
  transcript_path: '/tmp/g.json',
  cwd: '/tmp',
  timestamp: '2026-11-29T10:00:00.000Z',
};
const claudeBase = { session_id: 'abc', transcript_path: '/tmp/t.jsonl', cwd: '/tmp', permission_mode: 'default' };

describe('s2 hook claude|codex|gemini: the same guards in every runtime', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  beforeEach(async () => {
    f = await SwarmFixture.create('worktree', MANIFEST);
  });
  afterEach(() => f.cleanup());

  async function hook(
    runtime: string,
    input: unknown,
    env: Record<string, string> = {},
  ): Promise<{ code: number; out: Record<string, unknown> | null; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(['hook', runtime], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { ...process.env, S2_HOME: f.home, S2_SESSION: 'ndi', ...env },
      cwd: f.dir('ndi'),
      stdin: async () => JSON.stringify(input),
    });
    return { code, out: stdout.trim() ? JSON.parse(stdout) : null, stderr };
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's --json view, read loosely
  const ndi = async (env: Record<string, string> = {}): Promise<any> =>
    (await f.status(null, env)).sessions.find((s: { id: string }) => s.id === 'ndi');

  it('codex: spawn_agent over the cap and any tool over budget are denied in the PreToolUse shape', async () => {
    const spawn = (id: string) => ({
      ...codexBase,
      hook_event_name: 'PreToolUse',
      tool_name: 'spawn_agent',
      tool_input: { message: 'investigate' },
      tool_use_id: id,
    });
    assert.equal((await hook('codex', spawn('call-1'))).out, null, 'the first spawn passes');
    const second = await hook('codex', spawn('call-2'));
    assert.deepEqual(Object.keys(second.out!), ['hookSpecificOutput']);
    const o = second.out!['hookSpecificOutput'] as Record<string, string>;
    assert.equal(o['hookEventName'], 'PreToolUse');
    assert.equal(o['permissionDecision'], 'deny');
    assert.match(o['permissionDecisionReason']!, /agent cap/);
    await hook('codex', { ...spawn('call-1'), hook_event_name: 'PostToolUse', tool_response: 'done' });
    assert.equal((await hook('codex', spawn('call-3'))).out, null, 'a finished sub-agent frees its place');

    assert.equal((await f.cli('ndi', ['spend', '10', '--note', 'tokens'])).code, 0);
    const bash = await hook('codex', {
      ...codexBase,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'npm test' },
      tool_use_id: 'call-4',
    });
    const d = bash.out!['hookSpecificOutput'] as Record<string, string>;
    assert.equal(d['permissionDecision'], 'deny');
    assert.match(d['permissionDecisionReason']!, /budget guard/);
  });

  it('codex: PermissionRequest marks the session awaiting-input; the next tool call clears it', async () => {
    const r = await hook('codex', {
      ...codexBase,
      hook_event_name: 'PermissionRequest',
      tool_name: 'Bash',
      tool_input: { command: 'rm -rf build', description: 'clean the build folder' },
    });
    assert.equal(r.code, 0);
    assert.equal(r.out, null, 'the decision is left to the person');
    const waiting = (await ndi()).awaitingInput;
    assert.equal(waiting.runtime, 'codex');
    assert.match(waiting.message, /Codex needs your permission to use Bash: clean the build folder/);
    await hook('codex', {
      ...codexBase,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'ls' },
      tool_use_id: 'call-9',
    });
    assert.equal((await ndi()).awaitingInput, null);
  });

  it('gemini: a sub-agent over the cap and any tool over budget are denied with decision "deny"', async () => {
    const agent = (task: string) => ({
      ...geminiBase,
      hook_event_name: 'BeforeTool',
      tool_name: 'codebase_investigator',
      tool_input: { objective: task },
    });
    assert.equal((await hook('gemini', agent('map auth'))).out, null);
    const denied = await hook('gemini', agent('map db'));
    assert.equal(denied.out!['decision'], 'deny');
    assert.match(String(denied.out!['reason']), /agent cap/);
    await hook('gemini', { ...agent('map auth'), hook_event_name: 'AfterTool', tool_response: { llmContent: 'ok' } });
    assert.equal((await hook('gemini', agent('map db'))).out, null, 'AfterTool of the same call frees its place');

    await f.cli('ndi', ['spend', '12']);
    const shell = await hook('gemini', {
      ...geminiBase,
      hook_event_name: 'BeforeTool',
      tool_name: 'run_shell_command',
      tool_input: { command: 'make' },
    });
    assert.deepEqual(Object.keys(shell.out!).sort(), ['decision', 'reason']);
    assert.equal(shell.out!['decision'], 'deny');
    assert.match(String(shell.out!['reason']), /budget guard/);
  });

  it('gemini: a ToolPermission Notification marks the session awaiting-input', async () => {
    await hook('gemini', {
      ...geminiBase,
      hook_event_name: 'Notification',
      notification_type: 'ToolPermission',
      message: 'Allow run_shell_command: make deploy?',
      details: { tool_name: 'run_shell_command' },
    });
    const w = (await ndi()).awaitingInput;
    assert.equal(w.runtime, 'gemini');
    assert.match(w.message, /Gemini needs your permission: Allow run_shell_command/);
  });

  it('claude: Notification marks awaiting-input, a prompt clears it; a long wait makes a blocker stuck', async () => {
    await hook('claude', {
      ...claudeBase,
      hook_event_name: 'Notification',
      message: 'Claude needs your permission to use Bash',
      notification_type: 'permission_prompt',
    });
    const w = (await ndi()).awaitingInput;
    assert.equal(w.message, 'Claude needs your permission to use Bash');
    assert.equal(w.stuck, false);
    const later = new Date(Date.parse(w.since) + 700_000).toISOString();
    const view = await f.status(null, { S2_NOW: later });
    const stuck = view.violations.find((v: { code: string }) => v.code === 'STUCK_BLOCKER');
    assert.ok(stuck, 'web waits on ndi, which waits on a person past the limit');
    assert.match(stuck.message, /waited for a person for .*Claude needs your permission to use Bash/);
    assert.ok(view.violations.some((v: { code: string }) => v.code === 'AWAITING_INPUT'));
    assert.equal(view.sessions.find((s: { id: string }) => s.id === 'ndi').awaitingInput.stuck, true);
    const soon = await f.status(null, { S2_NOW: new Date(Date.parse(w.since) + 60_000).toISOString() });
    assert.ok(!soon.violations.some((v: { code: string }) => v.code === 'STUCK_BLOCKER'), 'a short wait is no blocker');

    await hook('claude', { ...claudeBase, hook_event_name: 'UserPromptSubmit', prompt: 'yes, go on' });
    assert.equal((await ndi()).awaitingInput, null);
  });

  it("refuses an unknown runtime and input that is not the runtime's JSON, clearly", async () => {
    const r = await main(['hook', 'cursor'], {
      stdout: () => undefined,
      stderr: () => undefined,
      env: { ...process.env, S2_HOME: f.home, S2_SESSION: 'ndi' },
      cwd: f.dir('ndi'),
      stdin: async () => '{}',
    });
    assert.equal(r, 2);
    const bad = await hook('gemini', { tool_name: 'x' });
    assert.equal(bad.code, 0, 'a hook fails open by default');
    assert.match(bad.stderr, /gemini hook input lacks hook_event_name/);
  });
});
