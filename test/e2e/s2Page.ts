import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/**
 * Page helpers for the S² extension in code-server: the Swarm tree, the matrix webview, the
 * budget status-bar entry. Every wait is on a selector, never a sleep.
 */
export async function openSwarmView(page: Page): Promise<void> {
  const tab = page.locator('.activitybar [aria-label*="S²"]').first();
  await tab.waitFor({ state: 'visible', timeout: 60_000 });
  const active = await tab.evaluate((a) => !!a.closest('.action-item')?.classList.contains('checked'));
  if (!active) await tab.click();
  await treeRow(page, 'sip').waitFor({ state: 'visible', timeout: 60_000 });
  await widenSidebar(page, 560);
}

/** Drag the sash right of the side bar so tree descriptions are not cut off in screenshots. */
async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const x = box.x + box.width + 1;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(box.x + width + 400, y);
}

export function treeRow(page: Page, session: string): Locator {
  return page
    .locator('.pane-body .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^(⚑ )?${session}( \\(this workspace\\))?$`) }) })
    .first();
}

/** The visible rows of the Swarm tree, as text (label and description). */
export async function treeTexts(page: Page): Promise<string[]> {
  const rows = page.locator('.pane-body .monaco-list-row');
  return (
    await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()))
  ).filter(Boolean);
}

/** Wait until a tree row's text matches. */
export async function waitForRowText(page: Page, session: string, text: RegExp, timeoutMs = 30_000): Promise<string> {
  const row = treeRow(page, session);
  await row.filter({ hasText: text }).waitFor({ state: 'visible', timeout: timeoutMs });
  return (await row.textContent()) ?? '';
}

/** The matrix page inside its two iframes. */
export function matrixFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

export function matrixCell(page: Page, ref: string): Locator {
  return matrixFrame(page).locator(`td[data-ref="${ref}"]`);
}

/** The ref of the cell that has keyboard focus in the matrix (or null). */
export async function focusedCell(page: Page): Promise<string | null> {
  const focused = matrixFrame(page).locator('td:focus');
  return (await focused.count()) ? focused.first().getAttribute('data-ref') : null;
}

/** The S² budget entry's classes (warning-kind / error-kind mark the theme backgrounds). */
export async function budgetItemClass(page: Page): Promise<string> {
  const item = page
    .locator('.statusbar-item')
    .filter({ hasText: /S² webrtc/ })
    .first();
  return (await item.getAttribute('class')) ?? '';
}

/** The first line the extension's log channel wrote matching `re`, searched under code-server's user-data-dir. */
export function findInLogs(dir: string, re: RegExp): string | null {
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.log')) {
        const m = re.exec(fs.readFileSync(p, 'utf8'));
        if (m) return m[0];
      }
    }
  }
  return null;
}
