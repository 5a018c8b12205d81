// Two bundles from one engine: the VS Code extension (vscode external) and the s2 CLI.
// Dependencies are bundled so the .vsix and the CLI ship without node_modules.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // The version comes from package.json alone (src/cli/version.ts reads the constant).
  define: { S2_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The CLI bundle has no `vscode` external: an import of vscode from core breaks this build.
  // `s2` itself is a small entry (the hook's fast path, before every tool call of every agent)
  // that loads the whole CLI, dist/cliMain.js, only when it needs it.
  { ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cliMain.js' },
  // The MCP SDK (and ajv) only `s2 mcp` needs: loaded by that command alone.
  { ...common, entryPoints: ['src/cli/commands/mcpServe.ts'], outfile: 'dist/mcpServe.js' },
];

const present = builds.filter((b) => existsSync(b.entryPoints[0]));
if (watch) {
  for (const b of present) (await esbuild.context(b)).watch();
} else {
  await Promise.all(present.map((b) => esbuild.build(b)));
}
