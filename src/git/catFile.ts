/**
 * One long-lived `git cat-file --batch`: every object and every ref name of a snapshot read
 * goes through it, so a read costs no process beyond this one (60–600× faster than a
 * `git show` per file, RECIPES.md). Requests are answered in order.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { S2Error } from '../core/errors';
import { GIT_ENV, processStats } from './gitProcess';

export interface GitObject {
  readonly oid: string;
  readonly type: 'blob' | 'tree' | 'commit' | 'tag';
  readonly data: Buffer;
}

interface Pending {
  resolve: (o: GitObject | null) => void;
  reject: (e: Error) => void;
}

export class CatFileBatch {
  private child: ChildProcessWithoutNullStreams | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  /** Chunks not yet joined into `buffer`, and how many more bytes the object at the head needs. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private need = 0;
  private queue: Pending[] = [];

  constructor(private readonly cwd: string) {}

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    processStats.spawned++;
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.cwd, env: { ...process.env, ...GIT_ENV } });
    child.stdout.on('data', (b: Buffer) => {
      processStats.bytesRead += b.length;
      this.chunks.push(b);
      this.chunkBytes += b.length;
      // Join only when the object at the head can be complete: one copy per object, not per chunk.
      if (this.chunkBytes >= this.need) this.drain();
    });
    child.stderr.on('data', () => undefined);
    const fail = (why: string): void => {
      const q = this.queue;
      this.queue = [];
      this.child = null;
      this.buffer = Buffer.alloc(0);
      this.chunks = [];
      this.chunkBytes = 0;
      this.need = 0;
      this.outgoing = [];
      for (const p of q) p.reject(new S2Error('GIT_FAILED', `git cat-file --batch in ${this.cwd}: ${why}`));
    };
    child.on('error', (e) => fail(`could not run git: ${e.message}`));
    child.on('close', (code) => fail(`exited with ${code}`));
    child.stdin.on('error', () => undefined);
    // An idle reader must not keep a process alive (a CLI run, a test): the pipes are unref'd
    // and only a pending request holds the event loop (see read()).
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr] as unknown as { unref?: () => void }[]) s.unref?.();
    this.child = child;
    return child;
  }

  private drain(): void {
    if (this.chunks.length) {
      this.buffer = Buffer.concat([this.buffer, ...this.chunks]);
      this.chunks = [];
      this.chunkBytes = 0;
    }
    this.need = 0;
    while (this.queue.length) {
      const nl = this.buffer.indexOf(10);
      if (nl < 0) return;
      const header = this.buffer.subarray(0, nl).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(nl + 1);
        this.queue.shift()!.resolve(null);
        continue;
      }
      const [oid, type, sizeText] = header.split(' ');
      const size = Number(sizeText);
      if (this.buffer.length < nl + 1 + size + 1) {
        this.need = nl + 1 + size + 1 - this.buffer.length;
        return;
      }
      const data = Buffer.from(this.buffer.subarray(nl + 1, nl + 1 + size));
      this.buffer = this.buffer.subarray(nl + 1 + size + 1);
      this.queue.shift()!.resolve({ oid: oid!, type: type as GitObject['type'], data });
    }
  }

  /** Names asked for since the last flush: written to cat-file in one write, not one per object. */
  private outgoing: string[] = [];
  private flushScheduled = false;
  /** One timer holds the event loop while requests are pending (the pipes themselves are unref'd). */
  private keepAlive: NodeJS.Timeout | null = null;

  /**
   * The object named by `name` (an oid, a ref, `rev:path`), or null when there is none.
   * Requests made in the same turn of the event loop go out in one write: a reader that asks
   * for many objects at once (sessions read concurrently) costs one syscall per batch and
   * keeps cat-file busy while Node parses, instead of a round trip per object.
   */
  read(name: string): Promise<GitObject | null> {
    if (/[\n\r]/.test(name)) return Promise.reject(new S2Error('USAGE', `bad object name ${JSON.stringify(name)}`));
    this.start();
    this.keepAlive ??= setInterval(() => undefined, 1 << 30);
    return new Promise<GitObject | null>((resolve, reject) => {
      const done = (): void => {
        if (this.queue.length === 0 && this.keepAlive) {
          clearInterval(this.keepAlive);
          this.keepAlive = null;
        }
      };
      this.queue.push({
        resolve: (o) => {
          done();
          resolve(o);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      this.outgoing.push(name);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    // A child that died meanwhile has already failed every pending request and cleared `outgoing` (fail()).
    if (!this.outgoing.length || !this.child) return;
    const text = `${this.outgoing.join('\n')}\n`;
    this.outgoing = [];
    this.child.stdin.write(text);
  }

  dispose(): void {
    this.child?.stdin.end();
    this.child?.kill();
    this.child = null;
  }
}
