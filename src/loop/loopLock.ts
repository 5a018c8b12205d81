import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { processAlive } from '../git/processAlive';

/**
 * One loop per session per machine. The lock is a file created exclusively; it names its
 * owner's pid and host and is touched every tick. A lock whose process is gone, or that was
 * not touched for `staleMs`, is taken over — so a crashed loop never blocks its restart.
 */
export class LoopLock {
  private held = false;

  constructor(
    readonly file: string,
    private readonly staleMs: number,
  ) {}

  static forSession(commonDir: string, session: string, staleMs: number): LoopLock {
    return new LoopLock(path.join(commonDir, 's2', 'locks', `${session}.lock`), staleMs);
  }

  async acquire(): Promise<{ tookOver: boolean }> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const body = JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(this.file, body, { flag: 'wx' });
        this.held = true;
        return { tookOver: attempt > 0 };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const owner = await this.owner();
        if (owner && !(await this.isStale(owner))) {
          throw new S2Error(
            'LOCKED',
            `a loop for this session already runs (pid ${owner.pid} on ${owner.host}, lock ${this.file}); stop it first`,
            { ...owner },
          );
        }
        await fs.rm(this.file, { force: true });
      }
    }
    throw new S2Error('LOCKED', `could not take the loop lock ${this.file}`);
  }

  private async owner(): Promise<{ pid: number; host: string; mtimeMs: number } | null> {
    try {
      const [text, st] = await Promise.all([fs.readFile(this.file, 'utf8'), fs.stat(this.file)]);
      const o = JSON.parse(text) as { pid: number; host: string };
      return { pid: o.pid, host: o.host, mtimeMs: st.mtimeMs };
    } catch {
      return null;
    }
  }

  private async isStale(o: { pid: number; host: string; mtimeMs: number }): Promise<boolean> {
    if (Date.now() - o.mtimeMs > this.staleMs) return true;
    if (o.host !== os.hostname()) return false;
    return !processAlive(o.pid);
  }

  async touch(): Promise<void> {
    if (!this.held) return;
    const now = new Date();
    await fs.utimes(this.file, now, now).catch(() => undefined);
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await fs.rm(this.file, { force: true });
  }
}
