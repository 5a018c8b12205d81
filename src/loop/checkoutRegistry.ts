/**
 * Which checkout each session was opened in, and with which runtime: `.git/s2/checkouts.json`
 * of the repository `s2 session open` ran from (machine-local, never committed). Worktrees
 * are also found by `git worktree list`; clones only through this file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { AGENT_RUNTIMES } from '../core/manifest';

export const CheckoutEntry = z.object({
  path: z.string(),
  runtime: z.enum(AGENT_RUNTIMES),
  topology: z.enum(['worktree', 'clone']),
  openedAt: z.string(),
});
export type CheckoutEntry = z.infer<typeof CheckoutEntry>;

const Registry = z.object({ sessions: z.record(z.string(), CheckoutEntry).default({}) });

export function registryFile(commonDir: string): string {
  return path.join(commonDir, 's2', 'checkouts.json');
}

export async function readRegistry(commonDir: string): Promise<Record<string, CheckoutEntry>> {
  const text = await fs.readFile(registryFile(commonDir), 'utf8').catch(() => null);
  if (text === null) return {};
  try {
    const parsed = Registry.safeParse(JSON.parse(text));
    // A damaged registry only forgets where clones are; worktrees are still found by git.
    return parsed.success ? parsed.data.sessions : {};
  } catch {
    return {};
  }
}

export async function updateRegistry(commonDir: string, id: string, entry: CheckoutEntry | null): Promise<void> {
  const sessions = await readRegistry(commonDir);
  if (entry) sessions[id] = entry;
  else delete sessions[id];
  const file = registryFile(commonDir);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify({ sessions }, null, 2)}\n`);
}
