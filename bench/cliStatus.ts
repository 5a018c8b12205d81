import { existsSync, readdirSync, statSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { GeneratedSwarm } from './lib/swarmGen';
import { execNode, median, repoRoot } from './lib/util';

/**
 * `s2 status` as an agent runs it: a new node process on the bundled CLI (dist/cli.js) in
 * the repository, against the runtime's own start (`node -e ''`) and the bundle's load alone
 * (`s2 --version`). Runs are interleaved; medians. The figure is the steady state an agent
 * sees on its hundredth call (V8's code cache of the bundle in $S2_HOME/code-cache made);
 * `firstCallMs` is the first call after a build or a Node upgrade (no code cache: the bundle
 * is compiled and the cache written), printed beside it, not the goal.
 */
export interface CliStatusResult {
  readonly available: boolean;
  readonly note: string;
  readonly sessions: number;
  readonly runs: number;
  readonly nodeStartMs: number;
  readonly versionMs: number;
  readonly statusMs: number;
  /** The first call after a build: empty code cache (compiled from source, cache written at exit). */
  readonly firstCallMs: number;
  readonly ratio: number;
  readonly exitCode: number;
}

export function cliPath(): string {
  return path.join(repoRoot(), 'dist', 'cli.js');
}

export async function benchCliStatus(gen: GeneratedSwarm, runs: number): Promise<CliStatusResult> {
  const cli = cliPath();
  if (!existsSync(cli))
    return {
      available: false,
      note: `${cli} is absent: run npm run build`,
      sessions: gen.ids.length,
      runs: 0,
      nodeStartMs: NaN,
      versionMs: NaN,
      statusMs: NaN,
      firstCallMs: NaN,
      ratio: NaN,
      exitCode: -1,
    };
  const env: NodeJS.ProcessEnv = { ...process.env, S2_HOME: gen.home };
  delete env['S2_SESSION'];
  delete env['NODE_OPTIONS'];
  const node: number[] = [];
  const version: number[] = [];
  const status: number[] = [];
  const first: number[] = [];
  let exitCode = 0;
  const codeCache = path.join(gen.home, 'code-cache');
  await execNode([cli, 'status'], gen.dir, env); // warm the page cache once
  for (let i = 0; i < runs; i++) {
    node.push((await execNode(['-e', ''], gen.dir, env)).wallMs);
    version.push((await execNode([cli, '--version'], gen.dir, env)).wallMs);
    const s = await execNode([cli, 'status'], gen.dir, env);
    exitCode = s.code;
    status.push(s.wallMs);
    // As after a build: `status` compiled from source, its cache rewritten at exit (the
    // `--version` cache stays, or the next --version would measure a first call too).
    for (const f of existsSync(codeCache) ? readdirSync(codeCache) : [])
      if (f.startsWith('cliMain-status-')) rmSync(path.join(codeCache, f), { force: true });
    first.push((await execNode([cli, 'status'], gen.dir, env)).wallMs);
  }
  return {
    available: true,
    note: '',
    sessions: gen.ids.length,
    runs,
    nodeStartMs: median(node),
    versionMs: median(version),
    statusMs: median(status),
    firstCallMs: median(first),
    ratio: median(status) / median(node),
    exitCode,
  };
}

export interface BundleResult {
  readonly available: boolean;
  readonly note: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly minified: boolean;
}

/** dist/extension.js as built (the production build, `npm run build:prod`, is minified). */
export function benchBundle(): BundleResult {
  const file = path.join(repoRoot(), 'dist', 'extension.js');
  if (!existsSync(file))
    return {
      available: false,
      note: 'dist/extension.js is absent (the extension is built by its engineer)',
      bytes: NaN,
      gzipBytes: NaN,
      minified: false,
    };
  const text = readFileSync(file);
  const lines = text.toString('utf8').split('\n').length;
  const minified = lines < 50;
  return {
    available: true,
    note: minified ? 'production build (minified)' : 'development build (not minified; npm run build:prod minifies)',
    bytes: statSync(file).size,
    gzipBytes: gzipSync(text).length,
    minified,
  };
}
