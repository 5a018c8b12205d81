import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';

/**
 * Real git swarms in temporary folders for the tests: one repository with a worktree per
 * session (the embedded default), or a bare remote with one clone per session. The CLI runs
 * in-process through main(argv, io) with captured output.
 */
export type Topology = 'worktree' | 'remote';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The passphrase of every fixture's approver key; pass S2_APPROVER_PASSPHRASE: '' to init one in clear. */
export const FIXTURE_PASSPHRASE = 'fixture passphrase';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  }).trim();
}

export class SwarmFixture {
  readonly root: string;
  readonly home: string;
  readonly coord: string;
  readonly bare: string | null;
  private readonly dirs = new Map<string, string>();

  private constructor(
    readonly topology: Topology,
    readonly sessions: readonly string[],
  ) {
    this.root = mkdtempSync(path.join(os.tmpdir(), 's2-test-'));
    this.home = path.join(this.root, 'home');
    this.coord = path.join(this.root, 'coord');
    this.bare = topology === 'remote' ? path.join(this.root, 'remote.git') : null;
  }

  /** Build a swarm from manifest text (keys are filled in by s2 init). */
  static async create(
    topology: Topology,
    manifest: string,
    /** checkouts: false leaves the sessions without a checkout (for s2 session open to make). */
    opts: { workBranchPrefix?: string; checkouts?: boolean; env?: Record<string, string> } = {},
  ): Promise<SwarmFixture> {
    const ids = [...manifest.matchAll(/^ {2}([A-Za-z0-9][A-Za-z0-9_.-]*):\s*$/gm)]
      .map((m) => m[1]!)
      .filter((id) => !['owner'].includes(id));
    const f = new SwarmFixture(topology, ids);
    mkdirSync(f.coord, { recursive: true });
    git(f.coord, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(f.coord, 'README.md'), '# product\n');
    git(f.coord, 'add', '.');
    git(f.coord, 'commit', '-q', '-m', 'root');
    const file = path.join(f.root, 'manifest.yaml');
    writeFileSync(file, manifest);
    // Fixtures may plan a deadlock on purpose (red-team drills): let init commit a cyclic plan.
    const r = await f.cliAt(f.coord, null, ['init', '--manifest', file], { S2_ALLOW_PLAN_CYCLES: '1', ...opts.env });
    if (r.code !== 0) throw new Error(`init failed: ${r.stderr}`);
    const plan = r.json<{ sessions: string[] }>();
    (f as { sessions: readonly string[] }).sessions = plan.sessions;
    if (topology === 'remote') git(f.root, 'clone', '-q', '--bare', f.coord, f.bare!);
    if (opts.checkouts === false) return f;
    if (topology === 'remote') {
      for (const s of plan.sessions) {
        const dir = path.join(f.root, `clone-${s}`);
        git(f.root, 'clone', '-q', f.bare!, dir);
        git(dir, 'checkout', '-q', '-b', `${opts.workBranchPrefix ?? 's2/work/'}${s}`);
        f.dirs.set(s, dir);
      }
    } else {
      for (const s of plan.sessions) {
        const dir = path.join(f.root, `wt-${s}`);
        git(f.coord, 'worktree', 'add', '-q', '-b', `${opts.workBranchPrefix ?? 's2/work/'}${s}`, dir);
        f.dirs.set(s, dir);
      }
    }
    return f;
  }

  dir(session: string): string {
    const d = this.dirs.get(session);
    if (!d) throw new Error(`no checkout for ${session}`);
    return d;
  }

  /** Commit a file on the session's work branch (and push it, in the remote topology). */
  work(session: string, file = `${session}.txt`, content = `${session} ${Date.now()} ${Math.random()}\n`): string {
    const d = this.dir(session);
    mkdirSync(path.dirname(path.join(d, file)), { recursive: true });
    writeFileSync(path.join(d, file), content);
    git(d, 'add', file);
    git(d, 'commit', '-q', '-m', `work on ${file}`);
    if (this.topology === 'remote') git(d, 'push', '-q', 'origin', 'HEAD');
    return git(d, 'rev-parse', 'HEAD');
  }

  /** Fetch in every clone (remote topology); nothing to do with worktrees. */
  fetchAll(): void {
    if (this.topology !== 'remote') return;
    for (const d of this.dirs.values()) git(d, 'fetch', '-q', 'origin');
  }

  async cli(session: string | null, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    return this.cliAt(
      session ? this.dir(session) : this.topology === 'remote' ? this.dir(this.sessions[0]!) : this.coord,
      session,
      args,
      env,
    );
  }

  async cliAt(cwd: string, session: string | null, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const code = await main(['--json', ...args], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: {
        ...process.env,
        S2_HOME: this.home,
        // The approver key is kept as s2 init keeps it for a person: encrypted (docs/TRUST.md).
        S2_APPROVER_PASSPHRASE: FIXTURE_PASSPHRASE,
        ...(session ? { S2_SESSION: session } : { S2_SESSION: '' }),
        ...env,
      },
      cwd,
    });
    return { code, stdout, stderr, json: () => JSON.parse(stdout) };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's --json output, read loosely by tests
  async status(session: string | null = null, env: Record<string, string> = {}): Promise<any> {
    if (this.topology === 'remote') this.fetchAll();
    const r = await this.cli(session, ['status'], env);
    if (r.code !== 0) throw new Error(`status failed: ${r.stderr}`);
    return r.json();
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A manifest of `n` sessions s1..sn with `phases` phases and no needs, for load tests. */
export function simpleManifest(ids: readonly string[], phases = 3, extra = ''): string {
  return `swarm: test\n${extra}sessions:\n${ids.map((id) => `  ${id}:\n    title: ${id}\n    expertise: [${id}]\n    phaseCount: ${phases}\n`).join('')}`;
}
