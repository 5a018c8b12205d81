import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The boundary tripwire: nothing under src/core or src/protocol mentions 'vscode', even `import type`. */
const root = path.resolve(__dirname, '..', '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('boundaries', () => {
  for (const folder of ['src/core', 'src/protocol']) {
    it(`no file in ${folder} mentions 'vscode'`, () => {
      const all = files(path.join(root, folder));
      assert.ok(all.length > 0, `${folder} has files`);
      const leaks = all.filter((f) => /['"]vscode['"]/.test(readFileSync(f, 'utf8')));
      assert.deepEqual(
        leaks.map((f) => path.relative(root, f)),
        [],
      );
    });
  }

  it('only src/extension imports vscode', () => {
    const leaks = files(path.join(root, 'src'))
      .filter((f) => !f.includes(`${path.sep}extension${path.sep}`))
      .filter((f) => /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(
      leaks.map((f) => path.relative(root, f)),
      [],
    );
  });
});
