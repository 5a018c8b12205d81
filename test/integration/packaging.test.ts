import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * What the .vsix carries (`vsce ls` applies .vscodeignore, an allow-list): the extension and
 * the s2 CLI its terminals and hooks use, the webview assets; no development files.
 */
describe('the packaged extension', function () {
  this.timeout(60_000);
  it('ships dist/cli.js (and the whole CLI it loads, dist/cliMain.js) beside dist/extension.js, and leaves media/*.d.ts and jsconfig.json out', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const f of [
      'dist/extension.js',
      'dist/cli.js',
      'dist/cliMain.js',
      'dist/mcpServe.js',
      'media/matrix.js',
      'media/matrix.css',
      'package.json',
    ])
      assert.ok(files.includes(f), `${f} ships (got ${files.join(', ')})`);
    for (const f of files) assert.ok(!/\.d\.ts$|jsconfig\.json$|\.map$/.test(f), `${f} is a development file`);
  });
});
