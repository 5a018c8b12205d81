import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Agent } from './standInAgent';
import { pollingFor } from './swarmManifest';

/** The session runtime around the loop: verify, adapt, help, adopt — whatever the loop says it waits for. */
export class SessionRuntime {
  private busy = false;
  private helping: { ref: string; since: number; seconds: number } | null = null;
  private readonly verified = new Set<string>();
  private readonly adoptTried = new Map<string, number>();
  private helpRefusedAt = 0;
  private adopted: string | null = null;

  constructor(private readonly a: Agent) {}

  async run(): Promise<void> {
    const p = this.a.cli.spawnPoll(pollingFor(this.a.cfg.settings).interval);
    const stop = (): void => void p.kill('SIGTERM');
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    p.stderr!.on('data', (b: Buffer) =>
      appendFileSync(path.join(this.a.cfg.runDir, `${this.a.me}.poll.log`), b.toString('utf8')),
    );
    const lines = readline.createInterface({ input: p.stdout! });
    lines.on('line', (l) => {
      let msg: { kind?: string; actions?: string[]; type?: string };
      try {
        msg = JSON.parse(l);
      } catch {
        return;
      }
      if (msg.kind === 'tick') void this.onTick(msg.actions ?? []);
    });
    await new Promise<void>((r) => p.once('exit', () => r()));
  }

  private async onTick(actions: readonly string[]): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const waiting = actions
        .filter((x) => x.startsWith('waiting '))
        .flatMap((x) => x.replace(/^waiting [^:]+: /, '').split('; '));
      await this.act(waiting);
    } catch (e) {
      this.a.log({ kind: 'runtime-error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      this.busy = false;
    }
  }

  private async act(reasons: readonly string[]): Promise<void> {
    if (this.adopted) return this.completeAdopted();
    const blockedOn: { ref: string; state: string }[] = [];
    for (const r of reasons) {
      const unverified = /^needs (\S+): complete but not verified/.exec(r);
      const disputed = /^needs (\S+): disputed/.exec(r);
      const open = /^needs (\S+): not complete \(([^)]*)\)/.exec(r);
      if (unverified && !this.verified.has(unverified[1]!)) await this.verify(unverified[1]!);
      else if (disputed) {
        this.adapt(disputed[1]!);
        await this.verify(disputed[1]!);
      } else if (open) blockedOn.push({ ref: open[1]!, state: open[2]! });
    }
    if (this.helping && !blockedOn.some((b) => b.ref === this.helping!.ref)) await this.release();
    for (const b of blockedOn) {
      if (b.state === 'stalled' && this.a.cfg.settings.mode !== 'v1') {
        if (await this.adopt(b.ref)) return;
      }
    }
    if (this.helping) return this.helpStep();
    if (this.a.cfg.settings.mode === 'gang-up' && blockedOn.some((b) => b.state !== 'stalled')) await this.help();
  }

  private async verify(ref: string): Promise<void> {
    const r = await this.a.cli.verify(ref);
    let result = r.code === 0 ? 'pass' : 'error';
    try {
      result = (JSON.parse(r.stdout) as { verification?: { result?: string } }).verification?.result ?? result;
    } catch {
      // not JSON: a usage error or a crash; the exit code says enough
    }
    if (r.code === 0) this.verified.add(ref);
    this.a.log({ kind: 'verify', ref, code: r.code, result });
  }

  /** After a failed verification the consumer adapts its side to the provider's new API (a commit). */
  private adapt(ref: string): void {
    const provider = ref.split(':')[0]!;
    const api = this.a.git('show', `${this.apiRevision(ref)}:api/${provider}.version`).trim();
    const file = path.join(process.cwd(), 'expects', this.a.me, `${provider}.version`);
    if (existsSync(file) && readFileSync(file, 'utf8').trim() === api) return;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${api}\n`);
    this.a.git('add', '--', file);
    this.a.git('commit', '-q', '-m', `adapt to ${provider} API ${api} (after ${ref} failed verification)`);
    if (this.a.remote) this.a.git('push', '-q', 'origin', 'HEAD');
    this.a.log({ kind: 'adapt', ref, api });
  }

  private apiRevision(ref: string): string {
    const [s] = ref.split(':');
    return this.a.remote ? `origin/s2/work/${s}` : `s2/work/${s}`;
  }

  private async adopt(ref: string): Promise<boolean> {
    const last = this.adoptTried.get(ref) ?? 0;
    if (Date.now() - last < this.a.realMs(30)) return false;
    this.adoptTried.set(ref, Date.now());
    const r = await this.a.cli.adopt(ref);
    this.a.log({ kind: 'adopt-try', ref, code: r.code });
    if (r.code !== 0) return false;
    const [target, n] = ref.split(':');
    const spent = await this.a.doWork(target!, Number(n));
    await this.a.spend(spent, `adopted ${ref}`);
    this.a.log({ kind: 'adopted-work', ref, spent });
    this.adopted = ref;
    await this.completeAdopted();
    return true;
  }

  /** Complete the adopted phase; retried on the next tick if it did not go through. */
  private async completeAdopted(): Promise<void> {
    const ref = this.adopted!;
    const c = await this.a.cli.completePhase(ref);
    this.a.log({ kind: 'adopted-complete', ref, code: c.code, detail: c.code ? c.stderr.slice(0, 400) : '' });
    if (c.code === 0 || /PHASE_REPEATED|open phase is/.test(c.stderr)) this.adopted = null;
  }

  private async help(): Promise<void> {
    if (Date.now() - this.helpRefusedAt < this.a.realMs(30)) return;
    const r = await this.a.cli.helpAuto();
    if (r.code !== 0) {
      this.helpRefusedAt = Date.now();
      return;
    }
    const claim = JSON.parse(r.stdout) as { claim?: { session: string; phase: number; task: string; side: string } };
    const c = claim.claim;
    const ref = c ? `${c.session}:${c.phase}` : 'unknown';
    this.helping = { ref, since: Date.now(), seconds: 0 };
    this.a.log({ kind: 'help-claim', ref, task: c?.task, side: c?.side });
    await this.helpStep();
  }

  /** Help work: a commit every 30 model seconds, which is also what renews the lease. */
  private async helpStep(): Promise<void> {
    const h = this.helping!;
    const seconds = (Date.now() - h.since) / (this.a.cfg.settings.scale * 1000);
    if (seconds - h.seconds < 30 && h.seconds > 0) return;
    h.seconds = seconds;
    const file = path.join(process.cwd(), 'help', this.a.me, `${h.ref.replace(':', '-')}.txt`);
    this.a.commit(file, `help ${h.ref} by ${this.a.me}: ${seconds.toFixed(0)} model s`);
  }

  private async release(): Promise<void> {
    const h = this.helping!;
    this.helping = null;
    const seconds = (Date.now() - h.since) / (this.a.cfg.settings.scale * 1000);
    const r = await this.a.cli.helpRelease();
    await this.a.spend(seconds, `help on ${h.ref}`);
    this.a.log({ kind: 'help-release', ref: h.ref, seconds, code: r.code });
  }
}
