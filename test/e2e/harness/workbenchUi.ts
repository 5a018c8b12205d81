/**
 * Driving the workbench UI: the command palette, notifications, the status bar, screenshots and
 * artifacts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Page } from 'playwright-core';
import { ARTIFACTS_DIR } from './locations';
import { trace } from './processes';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Run a command from the command palette by its "Category: Title" label: click the editor area,
 * Ctrl+Shift+P, type the label, pick the row showing exactly that label.
 */
export async function runCommand(page: Page, label: string, timeoutMs = 20_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  for (let attempt = 1; ; attempt++) {
    await page.locator('.part.editor').first().click({ timeout: timeoutMs });
    await page.keyboard.press('Control+Shift+P');
    try {
      await widget.waitFor({ state: 'visible', timeout: 5000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw new Error(`command palette did not open: ${String(e)}`, { cause: e });
    }
  }
  const input = widget.locator('input').first();
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  // The palette opens with ">" typed; make sure it is there, then type the label after it.
  const value = await input.inputValue();
  if (!value.startsWith('>')) await input.fill('>');
  await page.keyboard.type(label);
  const row = widget
    .locator('.monaco-list-row')
    // "S2: X" also finds "S² · S2: X" (S²'s category, findable by both names).
    .filter({
      has: page.locator('.label-name', {
        hasText: new RegExp(`^\\s*${label.startsWith('S2: ') ? '(S² · )?' : ''}${escapeRegExp(label)}\\s*$`),
      }),
    })
    .first();
  try {
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const rows = await widget.locator('.monaco-list-row').allTextContents();
    await page.keyboard.press('Escape');
    throw new Error(`command "${label}" not found in the palette; rows: ${JSON.stringify(rows)}`);
  }
  await row.click();
  trace(`ran command "${label}" from the palette`);
  await widget.waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
}

/** The notification toast whose text contains `text` (waits for it to be visible). */
export async function waitForNotification(page: Page, text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await toast.textContent()) ?? '';
}

/** The status-bar entry whose text contains `text` (waits for it to be visible). */
export async function waitForStatusBarItem(page: Page, text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const item = page.locator('.statusbar-item').filter({ hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await item.textContent()) ?? '';
}

/**
 * Save a PNG of the page into <repo>/test-artifacts/NAME.png; returns the path. Waits `settleMs`
 * (default 400) first so that sliding notifications and hovers have finished animating.
 */
export async function screenshot(page: Page, name: string, settleMs = 400): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  if (settleMs > 0) await page.waitForTimeout(settleMs);
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/\.png$/i, '');
  const file = path.join(ARTIFACTS_DIR, `${safe}.png`);
  await page.screenshot({ path: file, timeout: 30_000 });
  return file;
}
