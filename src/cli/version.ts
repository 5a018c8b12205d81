/**
 * The version of s2, from package.json and nowhere else. The esbuild bundles get it as the
 * constant S2_VERSION (esbuild.mjs `define`), so the shipped CLI reads no file; the
 * tsc-compiled tests have no such constant and read package.json above the compiled file.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

declare const S2_VERSION: string | undefined;

function fromPackageJson(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 's2-swarm' && pkg.version) return pkg.version;
    } catch {
      /* no package.json here: look one folder up */
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

export const S2_PACKAGE_VERSION: string = typeof S2_VERSION === 'string' ? S2_VERSION : fromPackageJson();
