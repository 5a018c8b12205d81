/**
 * The one way S² replaces a local file: write a temporary file beside it, then rename it over
 * the target. A rename within one folder is atomic, so a reader (another `s2` process, the
 * editor's loop) sees the old content or the new, never half a file, and two writers never
 * interleave. The temporary name is unique per process and call.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  o: { mode?: number } = {},
): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, data, o.mode === undefined ? {} : { mode: o.mode });
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** The same, synchronously: for what a process writes in its `exit` handler (the code cache). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
