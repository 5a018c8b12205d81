// Two bundles from one engine: the VS Code extension (vscode external) and the s2 CLI.
// Dependencies are bundled so the .vsix and the CLI ship without node_modules.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * The build's id: a digest of every source file and the locked dependencies. What a build
 * derived and kept on disk (a parsed manifest in the record cache, src/git/manifestBlobs.ts)
 * is believed only by the same build: a changed schema or parser never reads an old result.
 */
function buildId() {
  const h = createHash('sha256');
  const files = readdirSync('src', { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  for (const f of [...files.map((f) => path.join('src', f)), 'package-lock.json'])
    h.update(`${f}\0`).update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // The version comes from package.json alone (src/cli/version.ts reads the constant).
  define: {
    S2_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version),
    // --watch rebuilds under one id: no kept parses there (undefined: as unbundled code).
    S2_BUILD_ID: watch ? 'undefined' : JSON.stringify(buildId()),
  },
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
