// ESLint (flat config): typescript-eslint's recommended rules plus the house's boundaries
// (STYLE.md): vscode only in src/extension, processes only in the git store and the command
// runner, no file system in the pure folders.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/extension/ imports vscode (the engine runs without VS Code).' };
const noChildProcess = ['node:child_process', 'child_process'].map((name) => ({
  name,
  message: 'Only src/git/ and the command runner start processes.',
}));
const noFs = ['node:fs', 'fs', 'node:fs/promises', 'fs/promises'].map((name) => ({
  name,
  message: 'src/core, src/importer and src/protocol are pure: no file system.',
}));
const restrict = (...paths) => ['error', { paths: paths.flat() }];
// git's argv is built and its output parsed in src/git (tasks/, parsers/), and run there with runTask.
const noRawGit = {
  group: ['**/git/gitProcess'],
  importNames: ['runGit', 'runGitSync'],
  message: 'git argv and parsing live in src/git (tasks/, parsers/); run a task with runTask.',
};

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'out/', '.cache/', 'test-artifacts/', 'media/**/*.d.ts', 'test/e2e/fixtures/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        structuredClone: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      'no-control-regex': 'off',
    },
  },
  // The boundaries. Each later block replaces the rule for its folder, so each lists all it forbids.
  { files: ['src/**/*.ts'], ignores: ['src/extension/**'], rules: { 'no-restricted-imports': restrict(noVscode) } },
  {
    files: ['src/loop/**/*.ts', 'src/cli/**/*.ts', 'src/mcp/**/*.ts'],
    ignores: ['src/loop/commandRunner.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode, ...noChildProcess], patterns: [noRawGit] }] },
  },
  {
    files: ['src/core/**/*.ts', 'src/importer/**/*.ts', 'src/protocol/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(noVscode, noChildProcess, noFs) },
  },
  { files: ['src/extension/**/*.ts'], rules: { 'no-restricted-imports': restrict(noChildProcess) } },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: {
      globals: {
        describe: 'readonly',
        it: 'readonly',
        before: 'readonly',
        after: 'readonly',
        beforeEach: 'readonly',
        afterEach: 'readonly',
      },
    },
  },
  {
    files: ['media/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        acquireVsCodeApi: 'readonly',
        console: 'readonly',
        HTMLElement: 'readonly',
        KeyboardEvent: 'readonly',
        CSS: 'readonly',
        HTMLTableCellElement: 'readonly',
        requestAnimationFrame: 'readonly',
      },
    },
  },
);
