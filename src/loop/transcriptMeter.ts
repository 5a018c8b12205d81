/**
 * Metering from the runtime's own records: each `s2 hook claude` call reads what Claude Code
 * appended to the session's transcript (and to its sub-agents' transcripts) since the last
 * call, and prices every new message once. Offsets and the ids already counted live in the
 * clone's `.git/s2/meter-<session>.json`; a lock file keeps concurrent hook calls (parallel
 * tool calls) from reading the same bytes twice.
 */
import { closeSync, fstatSync, openSync, promises as fs, readdirSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { findPrice, priceUsage } from '../core/claudeUsage';
import { parseTranscriptChunk } from '../core/claudeTranscript';
import type { ModelPrice } from '../core/manifest';
import { highestPrice } from '../core/pricingTable';
import { writeFileAtomic } from '../git/atomicWrite';

interface FileState {
  offset: number;
  /** Bytes of the file's first line, to notice a transcript replaced under the same name. */
  head: string;
}

interface MeterFile {
  files: Record<string, FileState>;
  /** Message id → tokens already counted (a message can grow between two reads). */
  counted: Record<string, number>;
}

export interface MeteredSpend {
  readonly model: string;
  readonly usd: number;
  readonly ids: readonly string[];
  readonly priced: boolean;
}

export interface MeterResult {
  readonly spends: readonly MeteredSpend[];
  /** tool_use ids whose result the runtime wrote since the last read. */
  readonly toolResults: ReadonlySet<string>;
  readonly bytesRead: number;
}

const MAX_IDS = 20_000;

/** The transcripts of one Claude Code session: the main one and its sub-agents'. */
export async function transcriptFiles(transcript: string, extra: readonly string[] = []): Promise<string[]> {
  const out = [transcript, ...extra];
  const dir = path.join(path.dirname(transcript), path.basename(transcript, '.jsonl'), 'subagents');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    /* no sub-agents */
  }
  for (const n of names.sort()) if (n.endsWith('.jsonl')) out.push(path.join(dir, n));
  return [...new Set(out)];
}

export class TranscriptMeter {
  constructor(
    /** Offsets and counted ids; the hook's fast path reads it to bound what is not metered yet. */
    readonly stateFile: string,
    private readonly lockFile: string,
  ) {}

  static forSession(commonDir: string, session: string): TranscriptMeter {
    const dir = path.join(commonDir, 's2');
    return new TranscriptMeter(
      path.join(dir, `meter-${session}.json`),
      path.join(dir, 'locks', `meter-${session}.lock`),
    );
  }

  /**
   * Reads the new bytes of `files`, prices new usage with `pricing` (an unpriced model at the
   * table's highest price), and hands the spends to `record` before saving the offsets: if
   * recording fails, the same bytes are read again next time, never lost.
   */
  async meter(
    files: readonly string[],
    pricing: Readonly<Record<string, ModelPrice>>,
    alreadyCounted: ReadonlySet<string>,
    record: (spends: readonly MeteredSpend[]) => Promise<void>,
  ): Promise<MeterResult> {
    return this.locked(async () => {
      const state = await this.load();
      const byModel = new Map<string, { usd: number; ids: string[]; priced: boolean }>();
      const toolResults = new Set<string>();
      let bytesRead = 0;
      for (const file of files) {
        const r = await readFrom(file, state.files[file]);
        if (!r) continue;
        bytesRead += r.bytes.length;
        const chunk = parseTranscriptChunk(r.bytes);
        chunk.toolResults.forEach((id) => toolResults.add(id));
        for (const m of chunk.messages) {
          if (alreadyCounted.has(m.id) && state.counted[m.id] === undefined) continue;
          const before = state.counted[m.id] ?? 0;
          if (m.tokens <= before) continue;
          const price = findPrice(pricing, m.model);
          const p = price ?? highestPrice(pricing);
          const share = before > 0 ? (m.tokens - before) / m.tokens : 1;
          const usd = priceUsage(m.usage, p) * share;
          state.counted[m.id] = m.tokens;
          const slot = byModel.get(m.model) ?? { usd: 0, ids: [], priced: !!price };
          slot.usd += usd;
          slot.ids.push(m.id);
          byModel.set(m.model, slot);
        }
        state.files[file] = { offset: r.start + chunk.consumed, head: r.head };
      }
      const spends = [...byModel.entries()].map(([model, v]) => ({
        model,
        usd: Math.round(v.usd * 1e6) / 1e6,
        ids: v.ids,
        priced: v.priced,
      }));
      if (spends.length) await record(spends);
      await this.save(state);
      return { spends, toolResults, bytesRead };
    });
  }

  /** The transcripts metered so far and how far each was read (the hook's trail, for hookWatch.ts). */
  async offsets(): Promise<Record<string, number>> {
    const state = await this.load();
    return Object.fromEntries(Object.entries(state.files).map(([f, st]) => [f, st.offset]));
  }

  /** The tool_use blocks written after the saved offsets of `files`, read without moving them. */
  async pendingToolUses(files: readonly string[]): Promise<{ id: string; at: number }[]> {
    const state = await this.load();
    const out: { id: string; at: number }[] = [];
    for (const file of files) {
      const r = await readFrom(file, state.files[file]);
      if (r) out.push(...parseTranscriptChunk(r.bytes).toolUses);
    }
    return out;
  }

  private async load(): Promise<MeterFile> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.stateFile, 'utf8')) as Partial<MeterFile>;
      return { files: parsed.files ?? {}, counted: parsed.counted ?? {} };
    } catch {
      return { files: {}, counted: {} };
    }
  }

  private async save(state: MeterFile): Promise<void> {
    const ids = Object.keys(state.counted);
    if (ids.length > MAX_IDS) for (const id of ids.slice(0, ids.length - MAX_IDS)) delete state.counted[id];
    await writeFileAtomic(this.stateFile, JSON.stringify(state));
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    await fs.mkdir(path.dirname(this.lockFile), { recursive: true });
    for (let i = 0; ; i++) {
      try {
        await fs.writeFile(this.lockFile, String(process.pid), { flag: 'wx' });
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const age = await fs.stat(this.lockFile).then(
          (st) => Date.now() - st.mtimeMs,
          () => 0,
        );
        // A lock older than 30 s belongs to a hook call that died: take it over.
        if (age > 30_000 || i > 400) await fs.rm(this.lockFile, { force: true });
        else await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      }
    }
    try {
      return await fn();
    } finally {
      await fs.rm(this.lockFile, { force: true });
    }
  }
}

/** The bytes of `file` after the saved offset (from 0 when the file shrank or was replaced); the hook's fast path reads the same way. */
export async function readFrom(
  file: string,
  st: FileState | undefined,
): Promise<{ bytes: Buffer; start: number; head: string } | null> {
  // Synchronous: the hook's fast path reads here in a new process before every tool call, where
  // Node's promise-based file API costs ~0.3 ms a call the first time it runs (bench/PROFILE.md).
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const headBuf = Buffer.alloc(Math.min(64, size));
    readSync(fd, headBuf, 0, headBuf.length, 0);
    const head = headBuf.toString('base64');
    const start = st && st.offset <= size && st.head === head ? st.offset : 0;
    const bytes = Buffer.alloc(size - start);
    if (bytes.length) readSync(fd, bytes, 0, bytes.length, start);
    return { bytes, start, head };
  } finally {
    closeSync(fd);
  }
}
