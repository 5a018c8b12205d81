/**
 * A clone-local, on-disk cache of what the reader derived from immutable objects: the
 * admitted records of a session's tree (keyed by tree id and public key — a changed record
 * is a new tree, a changed key a new key) and ancestry answers (keyed by both commit ids).
 * It turns a cold `s2 status` into a warm one: YAML parsing and signature checks, most of a
 * cold read, are done once per record per clone. Losing or corrupting it costs only time.
 * It is authenticated (localState.ts): an edited cache is dropped, never believed, so whoever
 * can write `.git` cannot admit a record through it.
 */
import * as path from 'node:path';
import type { LocalStateKey } from './localState';

const FORMAT = 1;

interface CacheFile {
  format: number;
  records: Record<string, unknown>;
  ancestry: Record<string, boolean>;
}

export class RecordCache {
  private data: CacheFile = { format: FORMAT, records: {}, ancestry: {} };
  private loaded = false;
  private dirty = false;
  private readonly usedRecords = new Set<string>();

  constructor(
    private readonly file: string | null,
    private readonly key: () => Promise<LocalStateKey>,
  ) {}

  static forRepo(commonDir: string, enabled: boolean, key: () => Promise<LocalStateKey>): RecordCache {
    return new RecordCache(enabled ? path.join(commonDir, 's2', 'record-cache.json') : null, key);
  }

  async load(): Promise<void> {
    if (this.loaded || !this.file) return;
    this.loaded = true;
    try {
      const got = await (await this.key()).read(this.file);
      if (got.status !== 'ok') return;
      const parsed = JSON.parse(got.text) as CacheFile;
      if (parsed.format === FORMAT)
        this.data = { format: FORMAT, records: parsed.records ?? {}, ancestry: parsed.ancestry ?? {} };
    } catch {
      /* no cache yet, or an unreadable one: start empty */
    }
  }

  records<T>(key: string): T | undefined {
    const hit = this.data.records[key] as T | undefined;
    if (hit !== undefined) this.usedRecords.add(key);
    return hit;
  }

  setRecords(key: string, value: unknown): void {
    this.data.records[key] = value;
    this.usedRecords.add(key);
    this.dirty = true;
  }

  ancestry(key: string): boolean | undefined {
    return this.data.ancestry[key];
  }

  setAncestry(key: string, value: boolean): void {
    this.data.ancestry[key] = value;
    this.dirty = true;
  }

  /** Write back, keeping only the record entries the last read used (old trees are dropped). */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const records: Record<string, unknown> = {};
    for (const k of this.usedRecords) if (k in this.data.records) records[k] = this.data.records[k];
    const keys = Object.keys(this.data.ancestry);
    const ancestry =
      keys.length > 20_000
        ? Object.fromEntries(keys.slice(-10_000).map((k) => [k, this.data.ancestry[k]!]))
        : this.data.ancestry;
    this.data = { format: FORMAT, records, ancestry };
    this.usedRecords.clear();
    try {
      await (await this.key()).write(this.file, JSON.stringify(this.data));
      this.dirty = false;
    } catch {
      /* another process saved at the same moment; ours is only a cache */
    }
  }
}
