/**
 * Writes one signer's branch with plumbing only: objects straight into the store, then
 * `update-ref NEW OLD` (a compare-and-swap: a concurrent writer makes it fail and we rebuild
 * on the new tip), then a push of that one ref. It never touches a working tree, an index or
 * the current branch, and never force-pushes. A push that cannot land leaves the commit on
 * the local ref, so nothing is lost; the next write pushes it.
 */
import { S2Error } from '../core/errors';
import { REPAIRED_TRAILER, sealTrailer } from '../core/recordSeal';
import { lastSealed } from './lastSealed';
import { commitBody, LooseObjectWriter, parseCommit, parseTree, serializeTree, TreeEntry } from './gitObjects';
import { runGit } from './gitProcess';
import type { RepoContext } from './repoContext';
import type { SnapshotReader } from './snapshotReader';

export interface FileChange {
  /** Full paths; null deletes. */
  readonly files: Readonly<Record<string, string | null>>;
  readonly message: string;
}

export interface WriteResult {
  readonly commit: string;
  readonly pushed: boolean;
  readonly pushError?: string;
  readonly casRetries: number;
}

export interface WriterOptions {
  readonly maxCasRetries?: number;
  readonly maxPushAttempts?: number;
  readonly pushBackoffMs?: number;
  readonly now?: () => Date;
  readonly author?: string;
  /** Told when a record was committed locally but could not be pushed yet. */
  readonly onWarning?: (message: string) => void;
}

const ZERO = '0'.repeat(40);

/** Seal every commit with the owner's key; never build on a commit the owner did not seal. */
export interface SealSigner {
  readonly session: string;
  readonly privateKey: string;
  readonly publicKey: string;
  /**
   * When the tip is not sealed by the owner (someone else wrote to the branch), take the
   * records from the owner's last sealed commit and step over the rest (kept in history as
   * the parent, so the write stays a fast-forward). Off only for test tools that forge.
   */
  readonly repair: boolean;
}

export class RecordWriter {
  private readonly objects: LooseObjectWriter;

  constructor(
    private readonly ctx: RepoContext,
    private readonly reader: SnapshotReader,
    private readonly opts: WriterOptions = {},
  ) {
    this.objects = new LooseObjectWriter(ctx.objectsDir);
  }

  /**
   * Apply `change(current files)` to branch `branch` under folder `prefix`, atomically.
   * `change` may run more than once (after a lost compare-and-swap): keep it pure.
   */
  async write(
    branch: string,
    prefix: string,
    change: (files: ReadonlyMap<string, string>, base: string | null) => FileChange | null,
    seal?: SealSigner,
  ): Promise<WriteResult | null> {
    const ref = `refs/heads/${branch}`;
    const maxCas = this.opts.maxCasRetries ?? 30;
    for (let attempt = 0; attempt <= maxCas; attempt++) {
      // The ref's raw value (a tag or another non-commit too): the compare-and-swap must name it.
      const local = (await this.reader.cat.read(ref))?.oid ?? null;
      const base = await this.baseOf(branch, seal);
      const from = seal && base ? await this.sealedBase(base, seal) : { commit: base, seq: 0, stepped: [] };
      const carried = new Map<string, TreeEntry>();
      const files = from.commit ? await this.filesAt(from.commit, prefix, carried) : new Map<string, string>();
      const c = change(files, base);
      if (!c) return null;
      const next = new Map(files);
      for (const [p, v] of Object.entries(c.files)) {
        if (!p.startsWith(prefix)) throw new S2Error('USAGE', `refusing to write ${p} outside ${prefix}`);
        if (v === null) next.delete(p);
        else next.set(p, v);
      }
      for (const p of Object.keys(c.files)) carried.delete(p);
      const tree = await this.buildTree(next, carried);
      const now = (this.opts.now ?? (() => new Date()))();
      let message = c.message.endsWith('\n') ? c.message.slice(0, -1) : c.message;
      if (from.stepped.length) {
        message += `\n${REPAIRED_TRAILER}: ${from.stepped.join(' ')}`;
        this.opts.onWarning?.(
          `${branch} held ${from.stepped.length} commit(s) not sealed by ${seal!.session} (${from.stepped.map((x) => x.slice(0, 12)).join(', ')}): rebuilt from its last sealed commit ${from.commit!.slice(0, 12)}; they stay in history, unread`,
        );
      }
      if (seal)
        message += `\n${sealTrailer({ session: seal.session, tree, parents: base ? [base] : [], seq: from.seq + 1 }, seal.privateKey)}`;
      const commit = await this.objects.write(
        'commit',
        commitBody(tree, base, this.opts.author ?? `S2 <${branch.replace(/\//g, '.')}@s2>`, message, now),
      );
      const cas = await runGit(['update-ref', '-m', `s2: ${c.message.split('\n')[0]}`, ref, commit, local ?? ZERO], {
        cwd: this.ctx.root,
        allowFailure: true,
      });
      if (cas.code !== 0) {
        if (attempt === maxCas)
          throw new S2Error(
            'CONCURRENT_WRITE',
            `could not update ${ref} after ${maxCas + 1} attempts: other writers kept moving it (${cas.stderr.trim()})`,
          );
        await sleep(5 + Math.random() * 20 * (attempt + 1));
        continue;
      }
      if (!this.ctx.remote) return { commit, pushed: true, casRetries: attempt };
      const push = await this.push(branch);
      if (!push.pushed && push.pushError) this.opts.onWarning?.(push.pushError);
      return { commit, casRetries: attempt, ...push };
    }
    throw new S2Error('CONCURRENT_WRITE', `could not update ${ref}`);
  }

  /**
   * The commit whose records a sealed write starts from: the tip when the owner sealed it,
   * else the owner's last sealed commit (a repair); a branch from before seals as it is.
   */
  private async sealedBase(
    tip: string,
    seal: SealSigner,
  ): Promise<{ commit: string | null; seq: number; stepped: string[] }> {
    if (!seal.repair) return { commit: tip, seq: 0, stepped: [] };
    const st = await lastSealed(this.reader.cat, tip, seal.session, seal.publicKey);
    if (st.sealed) return { commit: st.sealed, seq: st.seq, stepped: [...st.foreign] };
    if (st.legacy) return { commit: tip, seq: 0, stepped: [] };
    throw new S2Error(
      'REFUSED',
      `${seal.session}'s branch has no commit sealed by ${seal.session} within reach${st.unreadable ? ` (object ${st.unreadable.slice(0, 12)} is unreadable)` : ''}: someone else wrote it. Nothing was written; check it with s2 validate`,
    );
  }

  /**
   * The commit a sealed write goes on: the branch's tip, unless this clone remembers more of
   * the owner's history than the ref shows — a ref deleted or pointed at a non-commit
   * continues from the tip seen before (never a new root), a ref moved back continues from
   * where it was before the rewrite.
   */
  private async baseOf(branch: string, seal: SealSigner | undefined): Promise<string | null> {
    const tip = await this.reader.tipOf(branch, true);
    if (!seal) return tip;
    const seen = this.reader.seenTips;
    await seen.load();
    if (!tip) {
      const before = seen.tip(seal.session);
      return before ? this.reader.resolve(before) : null;
    }
    const from = seen
      .rewrites()
      .filter((r) => r.session === seal.session)
      .at(-1)?.from;
    if (!from || from === tip || !(await this.reader.resolve(from)) || (await this.reader.isAncestor(from, tip)))
      return tip;
    this.opts.onWarning?.(
      `${branch} was moved back from ${from.slice(0, 12)} to ${tip.slice(0, 12)} by someone else: this write continues from ${from.slice(0, 12)}`,
    );
    return from;
  }

  /** Push one branch, never forced. Bounded retries with backoff; a failure keeps the local commit. */
  async push(branch: string): Promise<{ pushed: boolean; pushError?: string }> {
    if (!this.ctx.remote) return { pushed: true };
    const attempts = this.opts.maxPushAttempts ?? 4;
    let backoff = this.opts.pushBackoffMs ?? 200;
    let last = '';
    for (let i = 0; i < attempts; i++) {
      const r = await runGit(['push', '--porcelain', this.ctx.remote, `refs/heads/${branch}:refs/heads/${branch}`], {
        cwd: this.ctx.root,
        allowFailure: true,
        timeoutMs: 60_000,
      });
      if (r.code === 0) return { pushed: true };
      last = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' ');
      if (/rejected|non-fast-forward|fetch first/.test(r.stdout + r.stderr)) {
        // Someone else moved our branch on the remote. We never force: report and keep ours.
        await runGit(
          ['fetch', '--quiet', this.ctx.remote, `+refs/heads/${branch}:refs/remotes/${this.ctx.remote}/${branch}`],
          { cwd: this.ctx.root, allowFailure: true, timeoutMs: 60_000 },
        );
        const remoteTip = await this.reader.resolve(`refs/remotes/${this.ctx.remote}/${branch}`);
        const localTip = await this.reader.resolve(`refs/heads/${branch}`);
        if (remoteTip && localTip && (await this.reader.isAncestor(localTip, remoteTip))) return { pushed: true };
        if (i === attempts - 1) {
          throw new S2Error(
            'PUSH_REJECTED',
            `push of ${branch} to ${this.ctx.remote} was rejected ${attempts} times: the remote branch has commits that are not ours (${last}). Nothing was force-pushed; our commits are kept on refs/heads/${branch}. Someone rewrote or wrote to this session's branch: check it (s2 validate) before going on.`,
            { branch },
          );
        }
      }
      await sleep(backoff * (0.5 + Math.random()));
      backoff = Math.min(backoff * 2, 100_000);
    }
    return {
      pushed: false,
      pushError: `could not reach ${this.ctx.remote}: ${last}. The record is committed locally on refs/heads/${branch} and will be pushed by the next write or tick.`,
    };
  }

  /**
   * The branch's record files as text. Anything else under the prefix (not a .yaml/.jsonl
   * record) is carried by object id, never read or re-encoded: a huge or binary file that
   * someone put there costs nothing and stays byte for byte.
   */
  private async filesAt(commit: string, prefix: string, carried: Map<string, TreeEntry>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const commitObj = await this.reader.cat.read(commit);
    if (!commitObj) throw new S2Error('GIT_FAILED', `commit ${commit} is missing`);
    const root = parseCommit(commitObj.data).tree;
    const top = await this.reader.entryAt(root, prefix.replace(/\/$/, ''));
    if (!top) return out;
    // Only regular files that read as blobs are records; a gitlink, a missing or mistyped
    // object named like a record is carried by id, untouched and unread, so it cannot make
    // every later write fail (the reader reports it).
    const walk = async (oid: string, base: string): Promise<void> => {
      const t = await this.reader.cat.read(oid);
      if (!t || t.type !== 'tree') return;
      for (const e of parseTree(t.data)) {
        const at = `${base}${e.name}`;
        if (e.mode === '40000') {
          const sub = await this.reader.cat.read(e.oid);
          if (sub?.type === 'tree') await walk(e.oid, `${at}/`);
          else carried.set(at, e);
        } else if (/^100(644|755)$/.test(e.mode) && /\.(ya?ml|jsonl)$/.test(e.name)) {
          const blob = await this.reader.cat.read(e.oid);
          if (blob?.type === 'blob') out.set(at, blob.data.toString('utf8'));
          else carried.set(at, e);
        } else carried.set(at, e);
      }
    };
    await walk(top.oid, prefix.endsWith('/') ? prefix : `${prefix}/`);
    return out;
  }

  private async buildTree(
    files: ReadonlyMap<string, string>,
    carried: ReadonlyMap<string, TreeEntry> = new Map(),
  ): Promise<string> {
    interface Dir {
      files: Map<string, string>;
      dirs: Map<string, Dir>;
      kept: TreeEntry[];
    }
    const root: Dir = { files: new Map(), dirs: new Map(), kept: [] };
    const dirOf = (p: string): { d: Dir; name: string } => {
      const parts = p.split('/');
      let d = root;
      for (const part of parts.slice(0, -1)) {
        if (!d.dirs.has(part)) d.dirs.set(part, { files: new Map(), dirs: new Map(), kept: [] });
        d = d.dirs.get(part)!;
      }
      return { d, name: parts[parts.length - 1]! };
    };
    for (const [p, text] of files) {
      const { d, name } = dirOf(p);
      d.files.set(name, text);
    }
    for (const [p, e] of carried) {
      const { d, name } = dirOf(p);
      d.kept.push({ ...e, name });
    }
    const write = async (d: Dir): Promise<string> => {
      const entries: TreeEntry[] = [...d.kept];
      for (const [name, text] of d.files)
        entries.push({ mode: '100644', name, oid: await this.objects.write('blob', Buffer.from(text, 'utf8')) });
      for (const [name, sub] of d.dirs) entries.push({ mode: '40000', name, oid: await write(sub) });
      return this.objects.write('tree', serializeTree(entries));
    };
    return write(root);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
