import * as assert from 'node:assert/strict';
import * as path from 'node:path';

/**
 * The house's boundaries (STYLE.md) are ESLint rules; this proves each rule bites on a
 * deliberate violation placed at a path inside the folder it guards, so a config that
 * silently stops matching fails here instead of letting a leak through.
 */
const REPO = path.resolve(__dirname, '..', '..', '..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}
type ESLintCtor = new (o: { cwd: string }) => {
  lintText(code: string, o: { filePath: string }): Promise<{ messages: LintMessage[] }[]>;
};

async function restrictedImports(file: string, code: string): Promise<string[]> {
  // ESLint's package keeps a CommonJS entry, so the compiled (CommonJS) test can require it.
  const { ESLint } = require('eslint') as { ESLint: ESLintCtor };
  const [result] = await new ESLint({ cwd: REPO }).lintText(code, { filePath: path.join(REPO, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint boundaries (eslint.config.mjs)', function () {
  this.timeout(60_000);
  const cases: [file: string, code: string, bites: boolean][] = [
    ['src/core/leak.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n", true],
    ['src/core/leak.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", true],
    ['src/importer/leak.ts', "import { promises } from 'fs';\nexport const x = promises;\n", true],
    ['src/protocol/leak.ts', "import type * as vscode from 'vscode';\nexport type X = typeof vscode;\n", true],
    ['src/loop/leak.ts', "import { spawn } from 'node:child_process';\nexport const x = spawn;\n", true],
    ['src/cli/leak.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n", true],
    ['src/extension/leak.ts', "import { execFile } from 'child_process';\nexport const x = execFile;\n", true],
    ['src/extension/ok.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n", false],
    ['src/git/ok.ts', "import { spawn } from 'node:child_process';\nexport const x = spawn;\n", false],
    ['src/loop/ok.ts', "import { promises } from 'node:fs';\nexport const x = promises;\n", false],
    ['src/loop/leak.ts', "import { runGit } from '../git/gitProcess';\nexport const x = runGit;\n", true],
    ['src/cli/leak.ts', "import { runGit } from '../../git/gitProcess';\nexport const x = runGit;\n", true],
    ['src/loop/ok.ts', "import { processStats } from '../git/gitProcess';\nexport const x = processStats;\n", false],
    ['src/loop/ok.ts', "import { runTask } from '../git/runTask';\nexport const x = runTask;\n", false],
  ];
  for (const [file, code, bites] of cases) {
    it(`${bites ? 'refuses' : 'allows'} ${code.split('\n')[0]} in ${file}`, async () => {
      const messages = await restrictedImports(file, code);
      assert.equal(messages.length > 0, bites, messages.join('; ') || 'no restricted-import message');
    });
  }
});
