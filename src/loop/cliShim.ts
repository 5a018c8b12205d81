/**
 * An `s2` on the PATH for the terminals the extension opens: a small sh script in a folder
 * of the extension's own storage that runs the CLI bundled in the .vsix (dist/cli.js) with
 * the Node that runs the extension host. ELECTRON_RUN_AS_NODE makes a desktop VS Code's
 * Electron binary behave as Node; Node itself ignores it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export async function writeCliShim(binDir: string, cliJs: string, nodeBinary: string): Promise<string> {
  await fs.mkdir(binDir, { recursive: true });
  const file = path.join(binDir, 's2');
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const text = `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec ${q(nodeBinary)} ${q(cliJs)} "$@"\n`;
  const before = await fs.readFile(file, 'utf8').catch(() => null);
  if (before !== text) await fs.writeFile(file, text, { mode: 0o755 });
  await fs.chmod(file, 0o755);
  return file;
}
