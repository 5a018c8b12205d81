import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SwarmEvent } from '../../src/core/events';
import { handleClaudeHook } from '../../src/loop/claudeHookOps';
import { Poller } from '../../src/loop/poller';
import { updateRegistry } from '../../src/loop/checkoutRegistry';
import { SwarmSession } from '../../src/loop/swarmSession';
import { SwarmFixture } from '../helpers/gitFixture';

/**
 * An agent switches its own guard off — `disableAllHooks`, the hook entries deleted, or a
 * runtime started so that it skips hooks — and goes on working. The session's loop notices
 * (from the settings, or from tool calls in the transcript that no hook call read), alerts once,
 * and meters the transcript itself, so the spend is counted anyway.
 */
const SID = '7a0c4b8e-5d1f-4f7e-9a51-3c9f0e2b6d11';

function toolCall(id: string, minutesAgo: number, cwd: string): string {
  const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const base = { type: 'assistant', sessionId: SID, cwd, requestId: `req_${id}`, timestamp: at };
  const message = (content: unknown) => ({
    model: 'claude-sonnet-4-5-20250929',
    id,
    type: 'message',
    role: 'assistant',
    content: [content],
    usage: { input_tokens: 1000, output_tokens: 10_000 },
  });
  return [
    JSON.stringify({ ...base, uuid: `${id}-1`, message: message({ type: 'text', text: 'Working.' }) }),
    JSON.stringify({
      ...base,
      uuid: `${id}-2`,
      message: message({ type: 'tool_use', id: `toolu_${id}`, name: 'Bash', input: { command: 'ls' } }),
    }),
  ].join('\n');
}
// $3 in / $15 out per MTok: 1000 × 3 + 10_000 × 15 = $0.153 a message.
const PER_MESSAGE = (1000 * 3 + 10_000 * 15) / 1e6;

describe('the loop watches that the Claude Code hooks still run', function () {
  this.timeout(120_000);
  let f: SwarmFixture;
  let claudeHome: string;
  let transcript: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    f = await SwarmFixture.create(
      'worktree',
      'swarm: test\nsessions:\n  a:\n    budgetUsd: 100\n    phaseCount: 2\n  b:\n    phaseCount: 2\n',
    );
    claudeHome = path.join(f.root, 'claude');
    env = { ...process.env, S2_HOME: f.home, CLAUDE_CONFIG_DIR: claudeHome };
    // Where Claude Code keeps the transcripts of a session run in a's checkout.
    const dir = path.join(claudeHome, 'projects', path.resolve(f.dir('a')).replace(/[^A-Za-z0-9]/g, '-'));
    mkdirSync(dir, { recursive: true });
    transcript = path.join(dir, `${SID}.jsonl`);
    writeFileSync(
      transcript,
      `${JSON.stringify({ type: 'user', sessionId: SID, cwd: path.resolve(f.dir('a')), message: { role: 'user', content: 'Build phase 1.' } })}\n`,
    );
    const install = await f.cli('a', ['install-hooks'], { CLAUDE_CONFIG_DIR: claudeHome });
    assert.equal(install.code, 0, install.stderr);
  });
  afterEach(() => f.cleanup());

  async function hookCall(): Promise<void> {
    const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env });
    try {
      await handleClaudeHook(
        s,
        JSON.stringify({
          session_id: SID,
          transcript_path: transcript,
          cwd: f.dir('a'),
          hook_event_name: 'PreToolUse',
          tool_name: 'Bash',
          tool_input: {},
        }),
      );
    } finally {
      s.dispose();
    }
  }

  async function withLoop(fn: (tick: () => Promise<SwarmEvent[]>) => Promise<void>): Promise<void> {
    const s = await SwarmSession.open({ repo: f.dir('a'), session: 'a', env });
    const p = new Poller(s, { heartbeat: false, execute: false });
    try {
      await fn(async () => (await p.tick()).events.filter((e) => e.type === 'HOOKS_OFF'));
    } finally {
      p.dispose();
      s.dispose();
    }
  }
  const meteredUsd = async () => (await f.status('b')).sessions.find((x: { id: string }) => x.id === 'a').meteredUsd;
  const cwd = () => path.resolve(f.dir('a'));

  it('stays quiet while the hook reads every tool call', async () => {
    await withLoop(async (tick) => {
      for (let i = 0; i < 3; i++) {
        appendFileSync(transcript, `${toolCall(`msg_ok${i}`, 10, cwd())}\n`);
        await hookCall();
      }
      assert.deepEqual(await tick(), []);
      assert.deepEqual(await tick(), []);
    });
    assert.equal(await meteredUsd(), Math.round(3 * PER_MESSAGE * 100) / 100, 'the hook metered them');
  });

  it('says once that disableAllHooks switched the guard off, and meters what the hook missed', async () => {
    await hookCall();
    writeFileSync(path.join(f.dir('a'), '.claude', 'settings.local.json'), '{ "disableAllHooks": true }\n');
    await withLoop(async (tick) => {
      const first = await tick();
      assert.equal(first.length, 1);
      assert.match(first[0]!.message, /disableAllHooks is set in \.claude\/settings\.local\.json/);
      for (let i = 0; i < 3; i++) appendFileSync(transcript, `${toolCall(`msg_off${i}`, 5, cwd())}\n`);
      assert.deepEqual(await tick(), [], 'one alert while the cause holds');
    });
    assert.equal(await meteredUsd(), Math.round(3 * PER_MESSAGE * 100) / 100, 'the loop metered the calls');
  });

  it('notices a silent hook from the transcript alone, and sees it come back', async () => {
    await hookCall();
    await withLoop(async (tick) => {
      // The settings still look right, but no hook call reads the transcript (the runtime skips hooks).
      for (let i = 0; i < 3; i++) appendFileSync(transcript, `${toolCall(`msg_quiet${i}`, 5, cwd())}\n`);
      const silent = await tick();
      assert.equal(silent.length, 1);
      assert.match(silent[0]!.message, /tool calls that no s2 hook call saw/);
      assert.match(silent[0]!.message, /metered \$0\.46/);
      // A fresh call is within the grace period: the hook may still be about to read it.
      appendFileSync(transcript, `${toolCall('msg_now', 0, cwd())}\n`);
      assert.deepEqual(await tick(), []);
      // The hook runs again: the alert ends, and a later silence is reported again.
      await hookCall();
      assert.deepEqual(await tick(), []);
      for (let i = 0; i < 2; i++) appendFileSync(transcript, `${toolCall(`msg_again${i}`, 5, cwd())}\n`);
      assert.equal((await tick()).length, 1);
    });
    assert.equal(await meteredUsd(), Math.round(6 * PER_MESSAGE * 100) / 100, 'every message once, none lost');
  });

  it('finds a Claude session that never ran the hook, and leaves work from before the session was opened alone', async () => {
    const opened = new Date(Date.now() - 20 * 60_000);
    await updateRegistry(path.join(f.coord, '.git'), 'a', {
      path: path.resolve(f.dir('a')),
      runtime: 'claude',
      topology: 'worktree',
      openedAt: opened.toISOString(),
    });
    const dir = path.dirname(transcript);
    const began = (minutesAgo: number) =>
      `${JSON.stringify({ type: 'user', cwd: cwd(), timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString(), message: { role: 'user', content: 'Go.' } })}\n`;
    // Yesterday's session in the same checkout, before S² knew it: not the swarm's spend.
    writeFileSync(
      path.join(dir, 'before.jsonl'),
      `${began(120)}${toolCall('msg_old0', 119, cwd())}\n${toolCall('msg_old1', 118, cwd())}\n`,
    );
    // Started after session open with the hooks skipped from its first call.
    writeFileSync(
      path.join(dir, 'after.jsonl'),
      `${began(10)}${toolCall('msg_new0', 9, cwd())}\n${toolCall('msg_new1', 8, cwd())}\n`,
    );
    await withLoop(async (tick) => {
      const events = await tick();
      assert.equal(events.length, 1);
      assert.match(events[0]!.message, /made 2 tool calls that no s2 hook call saw/);
    });
    assert.equal(await meteredUsd(), Math.round(2 * PER_MESSAGE * 100) / 100, 'only the session begun after opening');
  });

  it('says nothing in a checkout where no hook was ever installed or run', async () => {
    const g = await SwarmFixture.create('worktree', 'swarm: test\nsessions:\n  a:\n    phaseCount: 2\n');
    try {
      const s = await SwarmSession.open({
        repo: g.dir('a'),
        session: 'a',
        env: { ...process.env, S2_HOME: g.home, CLAUDE_CONFIG_DIR: claudeHome },
      });
      const p = new Poller(s, { heartbeat: false, execute: false });
      try {
        assert.deepEqual(
          (await p.tick()).events.filter((e) => e.type === 'HOOKS_OFF'),
          [],
        );
      } finally {
        p.dispose();
        s.dispose();
      }
    } finally {
      g.cleanup();
    }
  });
});
