/**
 * Loads a CommonJS bundle (dist/cliMain.js) with V8's code cache, so a warm `s2` call does not
 * compile the megabyte of JavaScript it runs again. Node 20 has no `module.enableCompileCache`
 * (Node 22); `vm.Script` with `cachedData` does the same for one file.
 *
 * The cache is made AFTER the command ran (`save()` at exit): it then holds every function
 * the command compiled, not only the bundle's top level, which is most of the gain. One cache
 * per command (`variant`), since `--version` and `status` compile different functions.
 *
 * What it trusts: the cache lives in the user's state (`$S2_HOME/code-cache/`), which only the
 * user can write and which already holds the keys; it is named by the bundle's content, Node's
 * version, the CPU architecture and Node's flags, so a changed bundle or Node is never served
 * an old cache.
 * A damaged or foreign file costs time, never correctness: the file carries a digest of its
 * payload (a torn or edited payload is not handed to V8 at all), and V8 itself rejects a
 * cache made for another source length, V8 version or flag set (`cachedDataRejected`). Either
 * way the bundle is compiled from source and the cache rewritten, atomically.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { writeFileAtomicSync } from '../git/atomicWrite';

/**
 * hit: compiled from the cache; miss: no cache yet; damaged: a file that failed its own digest
 * (never given to V8); rejected: V8 refused it (another V8, flags or source); off: no cache dir.
 */
export type CodeCacheState = 'hit' | 'miss' | 'damaged' | 'rejected' | 'off';

export interface CachedModule<T> {
  readonly exports: T;
  readonly state: CodeCacheState;
  /** The cache file for this bundle, Node and variant (null when off). */
  readonly cacheFile: string | null;
  /** Writes the cache when it was missing or rejected; call once the command has run (at exit). */
  save(): void;
}

const MAGIC = Buffer.from('S2 code cache 1\n');
const DIGEST_BYTES = 32;
/** Caches of other bundles (an older build, another install) untouched this long are removed. */
const STALE_MS = 24 * 3600 * 1000;
/** Commands per bundle that get a cache: s2 has ~30, so typos (`s2 stauts`) cannot fill the home. */
const MAX_VARIANTS = 40;

/** `variant`: which command runs (one cache each); letters, digits and - only. */
export function loadWithCodeCache<T>(
  file: string,
  o: { readonly cacheDir: string | null; readonly variant: string },
): CachedModule<T> {
  const bytes = readFileSync(file);
  const source = bytes.toString('utf8');
  const cacheFile = o.cacheDir ? path.join(o.cacheDir, cacheName(file, bytes, o.variant)) : null;
  const cached = cacheFile ? readCache(cacheFile) : 'absent';
  const cachedData = typeof cached === 'string' ? undefined : cached;
  // The wrapper Node's CommonJS loader uses, on one line: stack traces keep their line numbers.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const state: CodeCacheState = !cacheFile
    ? 'off'
    : cached === 'absent'
      ? 'miss'
      : cached === 'damaged'
        ? 'damaged'
        : script.cachedDataRejected
          ? 'rejected'
          : 'hit';
  const mod = { exports: {} as T, id: file, filename: file, loaded: false };
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  let saved = false;
  return {
    exports: mod.exports,
    state,
    cacheFile,
    save() {
      if (saved || !cacheFile || state === 'hit' || state === 'off') return;
      saved = true;
      try {
        if (state === 'miss' && variantsOf(cacheFile) >= MAX_VARIANTS) return;
        const data = script.createCachedData();
        writeFileAtomicSync(cacheFile, Buffer.concat([MAGIC, digest(data), data]));
        pruneOthers(path.dirname(cacheFile), path.basename(cacheFile));
      } catch {
        /* a read-only or full home: the next call compiles again */
      }
    },
  };
}

/**
 * `<bundle>-<variant>-<digest>.bin`, the digest over the bundle's bytes, Node's version, the
 * architecture and Node's flags (V8 rejects a cache made under other flags: one file per flag
 * set, or runs with and without NODE_OPTIONS would rewrite each other's cache every time).
 */
export function cacheName(file: string, bytes: Uint8Array, variant: string): string {
  const key = createHash('sha256')
    .update(bytes)
    .update(`\0${process.version}\0${process.arch}\0${nodeFlags()}\0${process.env['NODE_OPTIONS'] ?? ''}`)
    .digest('hex')
    .slice(0, 32);
  const safe = /^[a-z0-9-]{1,40}$/.test(variant) ? variant : 'other';
  return `${path.basename(file, '.js')}-${safe}-${key}.bin`;
}

/** Node's own --flags (not `-e CODE`, whose text is no flag). */
function nodeFlags(): string {
  return process.execArgv.filter((a) => a.startsWith('--') && !/^--(eval|print)\b/.test(a)).join(' ');
}

/** The payload; 'damaged' when the file is short, foreign or fails its digest. */
function readCache(file: string): Buffer | 'absent' | 'damaged' {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return 'absent';
  }
  const head = MAGIC.length + DIGEST_BYTES;
  if (raw.length <= head || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return 'damaged';
  const data = raw.subarray(head);
  return digest(data).equals(raw.subarray(MAGIC.length, head)) ? data : 'damaged';
}

function digest(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** How many caches this bundle (under this Node) has: one per command that ran. */
function variantsOf(cacheFile: string): number {
  const ours = path.basename(cacheFile).slice(path.basename(cacheFile).lastIndexOf('-'));
  try {
    return readdirSync(path.dirname(cacheFile)).filter((n) => n.endsWith(ours)).length;
  } catch {
    return 0;
  }
}

/** Removes old caches (and leftover temporary files) of other bundles or Nodes; those of this bundle stay. */
function pruneOthers(dir: string, keep: string): void {
  const now = Date.now();
  const ours = keep.slice(keep.lastIndexOf('-'));
  for (const name of readdirSync(dir)) {
    if (name.endsWith(ours) || !/\.(bin|tmp)$/.test(name)) continue;
    const f = path.join(dir, name);
    try {
      if (now - statSync(f).mtimeMs > STALE_MS) rmSync(f, { force: true });
    } catch {
      /* gone already */
    }
  }
}
