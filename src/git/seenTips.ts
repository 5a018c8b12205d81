import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Memory of the session-branch tips this clone has seen. A session only ever fast-forwards
 * its own branch, so a tip that does not descend from the one seen before is a history
 * rewrite; the rewrite stays reported (sticky) until a person clears it.
 */
export interface Rewrite {
  readonly session: string;
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

interface SeenFile {
  tips: Record<string, string>;
  rewrites: Rewrite[];
}

export class SeenTips {
  private data: SeenFile = { tips: {}, rewrites: [] };
  private loaded = false;
  private dirty = false;

  constructor(private readonly file: string) {}

  static forRepo(commonDir: string): SeenTips {
    return new SeenTips(path.join(commonDir, 's2', 'seen-tips.json'));
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    try {
      const parsed = JSON.parse(await fs.readFile(this.file, 'utf8')) as Partial<SeenFile>;
      this.data = { tips: parsed.tips ?? {}, rewrites: parsed.rewrites ?? [] };
    } catch {
      /* first read in this clone, or an unreadable file: start fresh */
    }
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
    this.data.rewrites = session ? this.data.rewrites.filter((r) => r.session !== session) : [];
    this.dirty = true;
    return before - this.data.rewrites.length;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    // Best effort: losing this memory only delays rewrite detection, it never loses a record.
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(this.data, null, 1));
      await fs.rename(tmp, this.file);
      this.dirty = false;
    } catch {
      /* another reader saved at the same moment; the next read saves again */
    }
  }
}
