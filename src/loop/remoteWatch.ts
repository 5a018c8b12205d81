import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { activityKey } from '../core/activityKey';
import type { SwarmPlan } from '../core/manifest';
import { checkDue, nextCheckAt, ProbeClock, ProbeSettings } from '../core/probeSchedule';
import type { Snapshot } from '../core/snapshot';
import { s2Home } from '../git/keyStore';

/**
 * How often a loop asks a shared remote for news: one `git fetch` per check (a no-op fetch is
 * one request, as an `ls-remote` is, and a fetch that finds news needs no second request), on
 * the adaptive schedule of `probeSchedule` — every `probeSeconds` while anything but heartbeats
 * changes, backing off to `probeMaxSeconds` while the swarm is quiet.
 *
 * The sessions of one machine share a hint file, `$S2_HOME/remote-watch/<swarm>.hint`: whoever
 * sees activity (a change fetched, or a record written here) touches it, and every loop on the
 * machine that sees it move snaps back to the fast pace. The hint can only make a loop check
 * sooner — never later — so a rogue that writes it can cost requests but hide nothing: each
 * loop still checks by its own clock at least every `probeMaxSeconds`.
 */
export class RemoteWatch {
  private clock: { lastCheckAt: number | null; lastActivityAt: number };
  private lastKey: string | null = null;
  /** The hint's mtime when we last looked (null: absent; undefined: never looked). */
  private hintSeen: number | null | undefined = undefined;
  /** Known from the first snapshot: the hint file is per swarm. */
  private hintFile: string | null = null;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly now: () => number = Date.now,
  ) {
    this.clock = { lastCheckAt: null, lastActivityAt: now() };
  }

  static settingsOf(polling: Pick<SwarmPlan['polling'], 'probeSeconds' | 'probeMaxSeconds'>): ProbeSettings {
    return { probeMs: polling.probeSeconds * 1000, maxMs: polling.probeMaxSeconds * 1000 };
  }

  get state(): ProbeClock {
    return { ...this.clock };
  }

  /** Is a check of the remote due now? */
  due(s: ProbeSettings): boolean {
    return checkDue(this.clock, this.now(), s);
  }

  /** When the next check falls due (clock of `now`). */
  nextCheckAt(s: ProbeSettings): number {
    return nextCheckAt(this.clock, s);
  }

  /** The remote was asked just now (a fetch that succeeded). */
  checked(): void {
    this.clock = { ...this.clock, lastCheckAt: this.now() };
  }

  /** Something happened that others will answer (a command, a poke): check at the fast pace. */
  activity(): void {
    this.clock = { ...this.clock, lastActivityAt: this.now() };
  }

  /**
   * A tick read `snapshot`: if anything but heartbeats changed since the last one, that is
   * activity, and the machine's other loops are told through the hint file. Returns whether it was.
   */
  async observe(snapshot: Snapshot): Promise<boolean> {
    this.hintFile ??= path.join(s2Home(this.env), 'remote-watch', `${snapshot.plan.swarm}.hint`);
    const key = activityKey(snapshot);
    const moved = this.lastKey !== null && key !== this.lastKey;
    this.lastKey = key;
    if (!moved) return false;
    this.activity();
    await this.touchHint();
    return true;
  }

  /** Did another loop of this machine see activity since we last looked? (one stat, no process) */
  async hintMoved(): Promise<boolean> {
    if (!this.hintFile) return false;
    const st = await fs.stat(this.hintFile).catch(() => null);
    const m = st?.mtimeMs ?? null;
    const first = this.hintSeen === undefined;
    if (m === this.hintSeen) return false;
    this.hintSeen = m;
    // The first look only learns where the file stands; a hint is news only when it moves.
    if (first || m === null) return false;
    this.activity();
    return true;
  }

  private async touchHint(): Promise<void> {
    if (!this.hintFile) return;
    try {
      await fs.mkdir(path.dirname(this.hintFile), { recursive: true });
      await fs.writeFile(this.hintFile, `${new Date(this.now()).toISOString()}\n`);
      this.hintSeen = (await fs.stat(this.hintFile)).mtimeMs;
    } catch {
      // A hint that cannot be written only costs the machine's other loops their fast pace.
    }
  }
}
