/**
 * Memory of the session-branch tips this clone has seen. A session only ever fast-forwards
 * its own branch, so a tip that does not descend from the one seen before is a history
 * rewrite; the rewrite stays reported (sticky) until a person clears it. The memory is
 * authenticated (localState.ts): an edit that clears a rewrite or moves a tip is reported as
 * LOCAL_STATE_TAMPERED (sticky too), its rewrites are kept and its tips are not believed.
 */
import * as path from 'node:path';
import type { LocalStateKey } from './localState';

export interface Rewrite {
  readonly session: string;
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

interface SeenFile {
  tips: Record<string, string>;
  rewrites: Rewrite[];
  /** When this clone found the file edited by someone without the key (cleared with the rewrites). */
  tampered?: string | null;
}

export class SeenTips {
  private data: SeenFile = { tips: {}, rewrites: [] };
  private loaded = false;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly key: () => Promise<LocalStateKey>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  static forRepo(commonDir: string, key: () => Promise<LocalStateKey>, now?: () => Date): SeenTips {
    return new SeenTips(path.join(commonDir, 's2', 'seen-tips.json'), key, now);
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const got = await (await this.key()).read(this.file);
    if (got.status === 'absent') return;
    let parsed: Partial<SeenFile> = {};
    try {
      parsed = JSON.parse(got.text) as Partial<SeenFile>;
    } catch {
      /* unreadable: its content is lost either way */
    }
    const rewrites = Array.isArray(parsed.rewrites) ? parsed.rewrites.filter(isRewrite) : [];
    if (got.status === 'tampered') {
      this.data = { tips: {}, rewrites, tampered: this.now().toISOString() };
      this.dirty = true;
      return;
    }
    this.data = { tips: parsed.tips ?? {}, rewrites, tampered: parsed.tampered ?? null };
  }

  /** When an edit of this memory by someone without the key was found (until cleared), else null. */
  tampered(): string | null {
    return this.data.tampered ?? null;
  }

  tip(session: string): string | undefined {
    return this.data.tips[session];
  }

  rewrites(): readonly Rewrite[] {
    return this.data.rewrites;
  }

  advance(session: string, tip: string): void {
    if (this.data.tips[session] === tip) return;
    this.data.tips[session] = tip;
    this.dirty = true;
  }

  recordRewrite(r: Rewrite): void {
    this.data.rewrites.push(r);
    this.dirty = true;
  }

  clearRewrites(session?: string): number {
    const before = this.data.rewrites.length;
    this.data.rewrites = session && session !== '*' ? this.data.rewrites.filter((r) => r.session !== session) : [];
    this.data.tampered = null;
    this.dirty = true;
    return before - this.data.rewrites.length;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    // Best effort: losing this memory only delays rewrite detection, it never loses a record.
    try {
      await (await this.key()).write(this.file, JSON.stringify(this.data, null, 1));
      this.dirty = false;
    } catch {
      /* another reader saved at the same moment; the next read saves again */
    }
  }
}

function isRewrite(r: unknown): r is Rewrite {
  const x = r as Partial<Rewrite> | null;
  return !!x && typeof x.session === 'string' && typeof x.from === 'string' && typeof x.to === 'string';
}
