import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { CliRun, git } from './gitFixture';

/**
 * A fresh repository (one commit on main) and an S2_HOME in a temp folder, for importing the
 * legacy v1 fixtures. The CLI runs in-process through main(argv, io) with captured output.
 */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const LEGACY_FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures/legacy-s2');
export const LEGACY_MISSING = `../shared/fixtures/legacy-s2 not found beside the clone (looked in ${LEGACY_FIXTURES}); these tests import the legacy v1 fixtures`;

export class ImportRepo {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 's2-import-'));
  readonly repo = path.join(this.root, 'repo');
  readonly home = path.join(this.root, 'home');

  constructor() {
    mkdirSync(this.repo);
    git(this.repo, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(this.repo, 'README.md'), '# product\n');
    git(this.repo, 'add', '.');
    git(this.repo, 'commit', '-q', '-m', 'root');
  }

  async cli(args: readonly string[], env: Record<string, string> = {}, cwd = this.repo): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const code = await main([...args], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { ...process.env, S2_HOME: this.home, S2_SESSION: '', ...env },
      cwd,
    });
    return { code, stdout, stderr, json: () => JSON.parse(stdout) };
  }

  /** Every ref and its commit: equal before and after means nothing was written to git. */
  refs(): string {
    return git(this.repo, 'for-each-ref', '--format=%(refname) %(objectname)');
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function fixturesPresent(): boolean {
  return existsSync(LEGACY_FIXTURES);
}

/**
 * Skip a suite that needs the legacy fixtures when they are absent, saying why — except under
 * CI=true, where CI lays ../shared beside the clone and an absent folder is a broken setup: fail.
 */
export function requireLegacyFixtures(ctx: Mocha.Context): void {
  if (fixturesPresent()) return;
  if (process.env['CI'] === 'true') throw new Error(`${LEGACY_MISSING} (CI=true: failing instead of skipping)`);
  console.log(`    ${LEGACY_MISSING}`);
  ctx.skip();
}

/** The fixture files as the importer names them: `/`-separated, relative to the fixture root. */
export function fixtureFiles(dir = LEGACY_FIXTURES): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}
