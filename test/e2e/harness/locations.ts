/**
 * Where code-server, Chromium and the test artifacts are, whether they are installed, and whether a missing one skips
 * or fails (CI=true).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (
      fs.existsSync(path.join(dir, 'package.json')) &&
      fs.existsSync(path.join(dir, 'scripts', 'install-code-server.sh'))
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      // Compiled layout out/test/e2e/harness -> four levels up.
      return path.resolve(start, '..', '..', '..', '..');
    }
    dir = parent;
  }
}

/** The repository root (the folder holding package.json and scripts/install-code-server.sh). */
export const REPO_ROOT = findRepoRoot(__dirname);
/** Screenshots and failure logs go here (gitignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');

const CODE_SERVER_DIR = process.env.S2_CODE_SERVER_DIR || path.join(REPO_ROOT, '.cache', 'code-server');
/** The code-server entry script (run with this Node), overridable with S2_CODE_SERVER_BIN. */
export const CODE_SERVER_BIN =
  process.env.S2_CODE_SERVER_BIN ||
  path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CODE_SERVER_MARKER = path.join(CODE_SERVER_DIR, '.s2-installed');
/** The Chromium binary, overridable with S2_CHROMIUM. */
export const CHROMIUM_BIN = process.env.S2_CHROMIUM || '/usr/bin/chromium';

export const INSTALL_HINT =
  'run `bash scripts/install-system-deps.sh` as root (Debian packages incl. chromium, then code-server), ' +
  'or `bash scripts/install-code-server.sh` if only code-server is missing';

/** Whether code-server and Chromium are installed; `why` says what is missing and what to run. */
export function codeServerAvailable(): { ok: boolean; why?: string } {
  const missing: string[] = [];
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    missing.push(`code-server not found at ${CODE_SERVER_BIN} (run: bash scripts/install-code-server.sh)`);
  } else if (!process.env.S2_CODE_SERVER_BIN && !fs.existsSync(CODE_SERVER_MARKER)) {
    missing.push(
      `code-server installation in ${CODE_SERVER_DIR} is incomplete, no marker ${CODE_SERVER_MARKER} ` +
        '(run: bash scripts/install-code-server.sh)',
    );
  }
  if (!isExecutable(CHROMIUM_BIN)) {
    missing.push(`chromium not found at ${CHROMIUM_BIN} (run as root: bash scripts/install-system-deps.sh)`);
  }
  return missing.length === 0 ? { ok: true } : { ok: false, why: missing.join('; ') };
}

/**
 * True when missing e2e infrastructure must fail the run instead of skipping the tests:
 * in CI (CI=true) or with S2_REQUIRE_E2E=1.
 */
export function e2eRequired(): boolean {
  return process.env.CI === 'true' || process.env.S2_REQUIRE_E2E === '1';
}

/**
 * For a mocha `before`/`it`: skips the test (with a message saying what to install) when
 * code-server or Chromium is missing, or throws when e2eRequired().
 */
export function skipUnlessAvailable(ctx: Mocha.Context): void {
  const avail = codeServerAvailable();
  if (avail.ok) return;
  const msg = `end-to-end infrastructure missing: ${avail.why}`;
  if (e2eRequired()) {
    throw new Error(`${msg} (CI=true or S2_REQUIRE_E2E=1: failing instead of skipping)`);
  }
  console.warn(`      skipped: ${msg}`);
  ctx.skip();
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Write text (e.g. a failure log) into <repo>/test-artifacts/NAME; returns the path. */
export function saveArtifact(name: string, text: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name.replace(/[^A-Za-z0-9._-]+/g, '_'));
  fs.writeFileSync(file, text);
  return file;
}
