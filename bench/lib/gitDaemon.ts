import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { nowMs, sleep } from './util';

/**
 * A `git daemon` serving the bare repositories under `base` over git://, logging each request
 * (`--verbose --log-destination=stderr`: one "Request upload-pack|receive-pack for '/x.git'"
 * line per connection — a fetch, an ls-remote or a clone is one, a push is one). The requests
 * are what a hosted git service counts and throttles.
 */
export interface DaemonRequest {
  readonly at: number;
  readonly service: 'upload-pack' | 'receive-pack';
}

export class GitDaemon {
  readonly requests: DaemonRequest[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(base: string): Promise<GitDaemon> {
    const port = await freePort();
    const child = spawn(
      'git',
      [
        'daemon',
        '--export-all',
        `--base-path=${base}`,
        '--enable=receive-pack',
        '--reuseaddr',
        '--listen=127.0.0.1',
        `--port=${port}`,
        '--verbose',
        '--log-destination=stderr',
        base,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const d = new GitDaemon(child, port);
    let ready = false;
    let buf = '';
    child.stderr!.on('data', (b: Buffer) => {
      buf += b.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (/Ready to rumble/.test(line)) ready = true;
        const m = /Request (upload-pack|receive-pack) for/.exec(line);
        if (m) d.requests.push({ at: nowMs(), service: m[1] as DaemonRequest['service'] });
      }
    });
    const until = nowMs() + 10_000;
    while (!ready && nowMs() < until && child.exitCode === null) await sleep(20);
    if (!ready) {
      d.stop();
      throw new Error('git daemon did not start (is it installed? Debian: the git package)');
    }
    return d;
  }

  url(repo: string): string {
    return `git://127.0.0.1:${this.port}/${repo}`;
  }

  /** Requests served in [from, to). */
  count(from: number, to: number, service?: DaemonRequest['service']): number {
    return this.requests.filter((r) => r.at >= from && r.at < to && (!service || r.service === service)).length;
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
