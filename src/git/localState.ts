/**
 * Clone-local state that decides what a reader believes (the record cache, the tips seen
 * before) lives in `.git/s2/`, which every session sharing the repository can write. It is
 * authenticated with a key kept outside the repository (`$S2_HOME/local-state.key`, mode
 * 0600): an edit by anything that can write `.git` but not read that key is noticed. The
 * file is `<hmac-sha256 hex>\n<json>`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { s2Home } from './keyStore';
import { writeFileAtomicSync } from './atomicWrite';

export type LocalStateRead =
  | { readonly status: 'ok' | 'legacy'; readonly text: string }
  | { readonly status: 'absent' }
  | { readonly status: 'tampered'; readonly text: string };

export class LocalStateKey {
  private constructor(
    private readonly key: Buffer,
    /** The key was made just now: files written before keys existed are accepted once. */
    readonly fresh: boolean,
  ) {}

  static async load(env: NodeJS.ProcessEnv): Promise<LocalStateKey> {
    const file = path.join(s2Home(env), 'local-state.key');
    try {
      const hex = readFileSync(file, 'utf8').trim();
      if (/^[0-9a-f]{64}$/.test(hex)) return new LocalStateKey(Buffer.from(hex, 'hex'), false);
    } catch {
      /* made below */
    }
    const key = randomBytes(32);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await fs.writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      return new LocalStateKey(key, true);
    } catch {
      // Another process made it at the same moment: use theirs.
      const hex = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
      return /^[0-9a-f]{64}$/.test(hex)
        ? new LocalStateKey(Buffer.from(hex, 'hex'), false)
        : new LocalStateKey(key, true);
    }
  }

  /**
   * The key if it exists, else null — never made here: a reader that finds no key has
   * nothing authenticated to read (the hook's fast path then takes the full path).
   */
  static async existing(env: NodeJS.ProcessEnv): Promise<LocalStateKey | null> {
    let hex = '';
    try {
      hex = readFileSync(path.join(s2Home(env), 'local-state.key'), 'utf8').trim();
    } catch {
      /* no key */
    }
    return /^[0-9a-f]{64}$/.test(hex) ? new LocalStateKey(Buffer.from(hex, 'hex'), false) : null;
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('hex');
  }

  /**
   * Synchronous reads and writes inside (these files are small): the hook's fast path runs in a
   * new process before every tool call, where Node's promise-based file API costs ~0.3 ms a call
   * the first time it runs (bench/PROFILE.md).
   */
  async read(file: string): Promise<LocalStateRead> {
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch {
      return { status: 'absent' };
    }
    const nl = raw.indexOf('\n');
    const head = nl < 0 ? '' : raw.slice(0, nl);
    if (/^[0-9a-f]{64}$/.test(head)) {
      const text = raw.slice(nl + 1);
      const ok = timingSafeEqual(Buffer.from(head, 'hex'), Buffer.from(this.mac(text), 'hex'));
      return { status: ok ? 'ok' : 'tampered', text };
    }
    // A file from before authentication: trusted only on the run that made the key.
    return { status: this.fresh ? 'legacy' : 'tampered', text: raw };
  }

  async write(file: string, text: string): Promise<void> {
    writeFileAtomicSync(file, `${this.mac(text)}\n${text}`);
  }
}
