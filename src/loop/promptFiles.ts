/**
 * The prompts folder on disk: write the generated prompts (only the files that changed), or
 * compare them byte for byte. A prompt file in the folder that the manifest no longer
 * produces is drift too (a session was removed or renamed).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PromptFile } from '../core/prompts/renderPrompts';

export const PROMPT_SUFFIX = '-AUTO-POLLING-V2.md';

export interface PromptDrift {
  readonly missing: string[];
  readonly differ: string[];
  readonly extra: string[];
}

async function readOrNull(file: string): Promise<string | null> {
  return fs.readFile(file, 'utf8').catch(() => null);
}

async function promptFilesIn(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(PROMPT_SUFFIX)).sort();
}

export async function checkPrompts(dir: string, files: readonly PromptFile[]): Promise<PromptDrift> {
  const drift: PromptDrift = { missing: [], differ: [], extra: [] };
  for (const f of files) {
    const cur = await readOrNull(path.join(dir, f.file));
    if (cur === null) drift.missing.push(f.file);
    else if (cur !== f.text) drift.differ.push(f.file);
  }
  const wanted = new Set(files.map((f) => f.file));
  drift.extra.push(...(await promptFilesIn(dir)).filter((n) => !wanted.has(n)));
  return drift;
}

export async function writePrompts(
  dir: string,
  files: readonly PromptFile[],
): Promise<{ written: string[]; unchanged: string[]; stale: string[] }> {
  await fs.mkdir(dir, { recursive: true });
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const f of files) {
    const file = path.join(dir, f.file);
    if ((await readOrNull(file)) === f.text) unchanged.push(f.file);
    else {
      await fs.writeFile(file, f.text);
      written.push(f.file);
    }
  }
  const wanted = new Set(files.map((f) => f.file));
  return { written, unchanged, stale: (await promptFilesIn(dir)).filter((n) => !wanted.has(n)) };
}
