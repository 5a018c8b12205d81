/**
 * A session's handle on the swarm: its repository, one snapshot reader (one cat-file
 * process), one writer for its own branch. The CLI, the loop and the extension all go
 * through this; nothing else opens git.
 */
import { S2Error } from '../core/errors';
import type { SwarmPlan } from '../core/manifest';
import { staleAfterSeconds } from '../core/liveness';
import type { Snapshot } from '../core/snapshot';
import { computeView } from '../core/view';
import type { SwarmView } from '../core/viewTypes';
import { loadPrivateKey } from '../git/keyStore';
import { RecordWriter } from '../git/recordWriter';
import { openRepo, RepoContext } from '../git/repoContext';
import { SessionStore } from '../git/sessionStore';
import { SnapshotReader } from '../git/snapshotReader';
import { runTask } from '../git/runTask';
import { fetchRemote } from '../git/tasks/remoteTasks';

export interface SessionOptions {
  readonly repo: string;
  readonly session?: string | null;
  /**
   * The host's environment (S2_HOME, S2_SESSION, S2_TRUST_FINGERPRINTS, and the settings
   * below when they are not given): the CLI passes `io.env`, the extension its own. Never
   * process.env behind the host's back.
   */
  readonly env: NodeJS.ProcessEnv;
  readonly now?: () => Date;
  /** Pass null to force the worktree topology, a name to force a remote (default: $S2_REMOTE, else origin). */
  readonly remote?: string | null;
  /** The branch tried first for the manifest (default: $S2_COORDINATION_BRANCH), before main and master. */
  readonly coordinationBranch?: string | null;
  /** Keep parsed records in .git/s2/record-cache.json (default: on unless S2_NO_CACHE=1). */
  readonly persistentCache?: boolean;
  /** The host's stop request (the CLI: SIGINT/SIGTERM): temporary worktrees are removed when it fires. */
  readonly signal?: AbortSignal;
}

/** The settings a session runs with, resolved once from SessionOptions and the host's env. */
export interface SessionSettings {
  readonly coordinationBranch: string | null;
  readonly persistentCache: boolean;
}

export function sessionSettings(opts: SessionOptions): SessionSettings & { remote: string | null | undefined } {
  const env = opts.env;
  return {
    coordinationBranch:
      opts.coordinationBranch !== undefined ? opts.coordinationBranch : env['S2_COORDINATION_BRANCH'] || null,
    persistentCache: opts.persistentCache ?? env['S2_NO_CACHE'] !== '1',
    remote: opts.remote !== undefined ? opts.remote : env['S2_REMOTE'],
  };
}

export class SwarmSession {
  private storeCache: SessionStore | null = null;

  private constructor(
    readonly ctx: RepoContext,
    readonly reader: SnapshotReader,
    readonly writer: RecordWriter,
    readonly session: string | null,
    readonly env: NodeJS.ProcessEnv,
    readonly settings: SessionSettings,
    readonly now: () => Date,
    /** Things a person should know that did not stop the command (e.g. a push that will be retried). */
    readonly warnings: string[],
    readonly signal: AbortSignal | undefined,
  ) {}

  static async open(opts: SessionOptions): Promise<SwarmSession> {
    const { remote, ...settings } = sessionSettings(opts);
    const ctx = await openRepo(opts.repo, remote);
    const env = opts.env;
    let session = opts.session || env['S2_SESSION'] || null;
    const now = opts.now ?? (() => new Date());
    const pins = (env['S2_TRUST_FINGERPRINTS'] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const readerOpts = { env, trustFingerprints: pins, ...settings };
    let reader = new SnapshotReader(ctx, { me: session, ...readerOpts });
    if (!session && ctx.currentBranch) {
      // No --session and no S2_SESSION: a checkout on a session's work branch is that session.
      const found = await sessionOfBranch(reader, ctx.currentBranch).catch(() => null);
      if (found) {
        reader.dispose();
        session = found;
        reader = new SnapshotReader(ctx, { me: session, ...readerOpts });
      }
    }
    const warnings: string[] = [];
    const writer = new RecordWriter(ctx, reader, { now, onWarning: (w) => warnings.push(w) });
    return new SwarmSession(ctx, reader, writer, session, env, settings, now, warnings, opts.signal);
  }

  dispose(): void {
    this.reader.dispose();
  }

  /** Fetch everything from the remote once (nothing in the worktree topology). */
  async fetch(): Promise<{ fetched: boolean; error?: string }> {
    if (!this.ctx.remote) return { fetched: false };
    const r = await runTask(fetchRemote(this.ctx.remote), this.ctx.root);
    if (!r.ok)
      return {
        fetched: false,
        error: `fetch from ${this.ctx.remote} failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`,
      };
    return { fetched: true };
  }

  /** The swarm now; an unknown --session / S2_SESSION is an input error here, for every command. */
  async snapshot(): Promise<Snapshot> {
    const snap = await this.reader.read();
    if (this.session) this.requireSession(snap.plan);
    return snap;
  }

  async view(): Promise<{ snapshot: Snapshot; view: SwarmView }> {
    const snapshot = await this.snapshot();
    return { snapshot, view: computeView(snapshot, this.now()) };
  }

  requireSession(plan: SwarmPlan): string {
    if (!this.session)
      throw new S2Error(
        'USAGE',
        "which session? run s2 in a session's worktree (on its work branch), pass --session ID, or set S2_SESSION",
      );
    if (!plan.sessions.some((s) => s.id === this.session))
      throw new S2Error(
        'UNKNOWN_SESSION',
        `session "${this.session}" is not in the manifest (sessions: ${plan.sessions.map((s) => s.id).join(', ')})`,
      );
    return this.session;
  }

  async store(plan: SwarmPlan): Promise<SessionStore> {
    const id = this.requireSession(plan);
    if (!this.storeCache) {
      const key = await loadPrivateKey(plan.swarm, id, this.env);
      this.storeCache = new SessionStore(this.writer, id, key, this.now);
    }
    this.storeCache.silenceAfterSeconds = staleAfterSeconds(plan);
    return this.storeCache;
  }
}

/** The session whose work branch is `branch`, by the manifest on the coordination branch. */
async function sessionOfBranch(reader: SnapshotReader, branch: string): Promise<string | null> {
  const { tip } = await reader.coordination();
  const plan = await reader.readPlan(tip);
  return plan.sessions.find((s) => s.branch === branch)?.id ?? null;
}
