import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { AGENT_RUNTIMES } from '../core/manifest';
import { PROMPT_FILE, stripPromptSection } from '../core/promptSection';
import {
  headFile,
  listWorktrees,
  removeWorktree,
  restoreFile,
  stashCount,
  statusLines,
  unpushedCommits,
} from '../git/checkoutGit';
import { updateRegistry } from './checkoutRegistry';
import { findCheckout, requirePlan } from './sessionCheckout';
import type { SwarmSession } from './swarmSession';

/** The files `s2 session open` writes, per runtime: hook settings and the prompt file. */
const HOOK_FILES = ['.claude/settings.json', '.codex/hooks.json', '.gemini/settings.json'];
const PROMPT_FILES: readonly string[] = AGENT_RUNTIMES.map((r) => PROMPT_FILE[r]);

/** True when a hook settings file holds nothing but this session's s2 hook entries. */
export function onlyOurHooks(text: string, id: string): boolean {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return false;
  }
  if (!j || typeof j !== 'object' || Object.keys(j).some((k) => k !== 'hooks')) return false;
  const hooks = (j as { hooks?: Record<string, { hooks?: { command?: string }[] }[]> }).hooks ?? {};
  const ours = new RegExp(`--session ${id.replace(/[.]/g, '\\.')} hook (claude|codex|gemini)$`);
  return Object.values(hooks).every(
    (list) =>
      Array.isArray(list) && list.every((m) => (m.hooks ?? []).every((h) => ours.test(String(h.command ?? '')))),
  );
}

/**
 * `s2 session close`: remove a session's checkout only when nothing in it would be lost —
 * no change but what `s2 session open` wrote itself, and (for a clone) no commit or stash
 * that exists only there. A refusal lists what is in the way and removes nothing.
 */
export async function closeSessionCheckout(
  s: SwarmSession,
  id: string,
): Promise<{ session: string; path: string; topology: string; removedFiles: string[] }> {
  const { snapshot } = await s.view();
  const sp = requirePlan(snapshot.plan, id);
  const worktrees = await listWorktrees(s.ctx.root);
  const found = await findCheckout(s, sp, worktrees);
  if (!found) throw new S2Error('USAGE', `${id} has no checkout to close (s2 session list shows them)`);
  const dir = found.path;
  if (found.topology === 'worktree' && dir === worktrees[0]?.path)
    throw new S2Error('REFUSED', `${dir} is the repository's main worktree; s2 never removes it`);
  if (path.resolve(s.ctx.root) === path.resolve(dir))
    throw new S2Error('REFUSED', `you are inside ${id}'s checkout (${dir}); run s2 session close from another folder`);
  const inTheWay: string[] = [];
  const ours: { file: string; restore: boolean }[] = [];
  for (const line of await statusLines(dir)) {
    const text = await fs.readFile(path.join(dir, line.path), 'utf8').catch(() => null);
    if (line.code === '??' && text !== null && HOOK_FILES.includes(line.path) && onlyOurHooks(text, id))
      ours.push({ file: line.path, restore: false });
    else if (
      line.code === '??' &&
      text !== null &&
      PROMPT_FILES.includes(line.path) &&
      !stripPromptSection(text).trim()
    )
      ours.push({ file: line.path, restore: false });
    else if (
      line.code === ' M' &&
      text !== null &&
      PROMPT_FILES.includes(line.path) &&
      stripPromptSection(text) === (await headFile(dir, line.path))
    )
      ours.push({ file: line.path, restore: true });
    else inTheWay.push(`${line.code.trim() || 'changed'} ${line.path}`);
  }
  if (found.topology === 'clone') {
    const unpushed = await unpushedCommits(dir);
    if (unpushed) inTheWay.push(`${unpushed} commit(s) on local branches that no remote has (push them first)`);
    const stashes = await stashCount(dir);
    if (stashes) inTheWay.push(`${stashes} stash entr${stashes === 1 ? 'y' : 'ies'}`);
  }
  if (inTheWay.length)
    throw new S2Error(
      'REFUSED',
      `${id}'s checkout ${dir} has work that would be lost; nothing was removed:\n${inTheWay.map((l) => `  ${l}`).join('\n')}`,
      { path: dir, inTheWay },
    );
  for (const o of ours) {
    if (o.restore) await restoreFile(dir, o.file);
    else {
      await fs.rm(path.join(dir, o.file));
      // The folder the hook file was in (.claude, .codex, .gemini), when nothing else is in it.
      if (o.file.includes('/')) await fs.rmdir(path.join(dir, path.dirname(o.file))).catch(() => undefined);
    }
  }
  if (found.topology === 'worktree') await removeWorktree(s.ctx.root, dir);
  else await fs.rm(dir, { recursive: true, force: true });
  await updateRegistry(s.ctx.commonDir, id, null);
  return { session: id, path: dir, topology: found.topology, removedFiles: ours.map((o) => o.file) };
}
