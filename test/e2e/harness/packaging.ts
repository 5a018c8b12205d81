/**
 * Packaging the extension as a .vsix for the tests that install it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './locations';
import { trace } from './processes';

/**
 * Package an extension folder into a .vsix with the project's @vscode/vsce
 * (node_modules/.bin/vsce; `npx` of uninstalled packages is refused on these machines).
 */
export function packageExtension(extensionPath: string, outFile: string): string {
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const vsceBin = fs.existsSync(vsce) ? vsce : path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [
      vsceBin,
      'package',
      '--no-dependencies',
      '--skip-license',
      '--allow-missing-repository',
      '--out',
      path.resolve(outFile),
    ],
    {
      cwd: extensionPath,
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_yes: 'true' },
    },
  );
  if (r.status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(
      `vsce package failed (exit ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`,
    );
  }
  trace(`vsce package ${extensionPath} -> ${outFile} in ${Date.now() - t0} ms`);
  return path.resolve(outFile);
}
