/**
 * Issue #16's end-to-end check: from a workspace on main with a 3-session swarm and no
 * session checkouts, "S2: Open Session" on ndi creates its worktree and a terminal that runs
 * a stand-in agent — a script that calls `s2 heartbeat` (the bundled CLI on the terminal's
 * PATH, S2_SESSION from the terminal) and feeds the installed Claude Code hook a Notification
 * event. The tree then shows ndi alive with a terminal and awaiting input, and the alert
 * "ndi waits for you: …" appears with its Focus Terminal button.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { git, SwarmFixture } from '../helpers/gitFixture';
import { runCommand, screenshot, waitForNotification } from './harness/workbenchUi';
import { openSwarmView, waitForRowText } from './s2Page';
import { parseRecordText } from '../../src/git/recordCodec';
import { s2WorkbenchSuite } from './s2Workbench';

/** The stand-in agent: what Claude Code would do when it stops at a permission prompt. */
const STAND_IN = `#!/bin/sh
set -e
s2 heartbeat
hook=$(node -e 'console.log(require("./.claude/settings.json").hooks.Notification[0].hooks[0].command)')
printf '%s' '{"session_id":"stand-in","transcript_path":"/tmp/none.jsonl","cwd":"'"$PWD"'","hook_event_name":"Notification","message":"Claude needs your permission to use Bash","notification_type":"permission_prompt"}' | sh -c "$hook"
echo "stand-in agent is waiting for a person"
`;

describe('e2e: opening a session from the editor', function () {
  this.timeout(180_000);
  let f: SwarmFixture | undefined;
  let page: Page;

  s2WorkbenchSuite({
    name: 'sessions',
    seed: async (scratch) => {
      const standIn = path.join(scratch, 'stand-in-agent.sh');
      fs.writeFileSync(standIn, STAND_IN, { mode: 0o755 });
      f = await SwarmFixture.create(
        'worktree',
        `swarm: e2e\npolling: { intervalSeconds: 2, probeSeconds: 0.5 }\nagent: { runtime: claude, command: "sh ${standIn}" }\nsessions:\n  ndi:\n    phaseCount: 3\n  sip:\n    phaseCount: 3\n  web:\n    phaseCount: 3\n    phases:\n      1: { needs: [ndi:1] }\n`,
        { checkouts: false },
      );
      return { workspace: f.coord, env: { S2_HOME: f.home, S2_SESSION: '' }, cleanup: () => f?.cleanup() };
    },
    opened: (w) => {
      page = w.page;
    },
  });

  it('S2: Open Session on ndi makes its worktree and a terminal; the tree shows it alive and awaiting input', async () => {
    await openSwarmView(page);
    await waitForRowText(page, 'ndi', /phase 1\/3/);
    await runCommand(page, 'S2: Open Session…');
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.monaco-list-row').filter({ hasText: /^ndi/ }).first().waitFor({ state: 'visible' });
    await page.keyboard.type('ndi');
    const t0 = Date.now();
    await page.keyboard.press('Enter');

    const toast = await waitForNotification(
      page,
      /ndi waits for you: Claude needs your permission to use Bash/,
      60_000,
    );
    assert.match(toast, /Focus Terminal/);
    console.log(`      metrics: {"openSessionToAwaitingAlertMs": ${Date.now() - t0}}`);
    const row = await waitForRowText(page, 'ndi', /awaiting input/, 30_000);
    assert.match(row, /▶ terminal · alive/);
    await screenshot(page, 'sessions-1-awaiting-input');

    const dir = path.join(path.dirname(f!.coord), 'coord-sessions', 'ndi');
    assert.equal(git(dir, 'symbolic-ref', 'HEAD'), 'refs/heads/s2/work/ndi', 'the worktree is on the work branch');
    assert.ok(fs.readFileSync(path.join(dir, 'CLAUDE.md'), 'utf8').includes('S2 SESSION PROMPT'));
    const status = JSON.stringify(
      parseRecordText(git(f!.coord, 'show', 's2/sessions/ndi:.s2/sessions/ndi/status.yaml'), 'status.yaml'),
    );
    assert.match(status, /"awaitingInput":\{/);
    assert.match(status, /"message":"Claude needs your permission to use Bash/);
    assert.match(status, /"runtime":"claude"/);
    assert.equal(
      (await page.locator('.terminal-tab, .tabs-list .monaco-list-row').filter({ hasText: 'S² ndi' }).count()) > 0 ||
        (await page.locator('[aria-label*="S² ndi"]').count()) > 0,
      true,
      'a terminal named after the session',
    );

    const focus = page
      .locator('.notifications-toasts .notification-toast')
      .filter({ hasText: /ndi waits for you/ })
      .locator('a.monaco-button, .monaco-button')
      .filter({ hasText: 'Focus Terminal' })
      .first();
    await focus.click();
    await page
      .locator('.terminal-wrapper.active, .terminal.xterm.focus')
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
  });
});
