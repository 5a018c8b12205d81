import { approverReadPoint } from './approverReadPoint';
import { approverSealId } from './approverSeal';
import { errorMessage, S2Error } from '../core/errors';
import { MANIFEST_PATH, SwarmPlan } from '../core/manifest';
import {
  AckRecord,
  ApprovalEntry,
  approverBranch,
  approverRef,
  CompletionRecord,
  LedgerEntry,
  recordPaths,
  sessionBranch,
  sessionDir,
  sessionRef,
  StatusRecord,
  VerificationRecord,
  WitnessEntry,
} from '../core/records';
import { sha256 } from '../core/signing';
import { chainPrefix, firstChainBreak } from '../core/hashChain';
import { CommitFacts, emptySession, InstructionInfo, RecordProblem, SessionSnapshot, Snapshot } from '../core/snapshot';
import { parseFrontMatter } from '../core/frontMatter';
import { IntegrationRecord } from '../core/integrationRecord';
import { CatFileBatch, GitObject } from './catFile';
import { parseCommit, parseTree, TreeEntry } from './gitObjects';
import { runGit } from './gitProcess';
import { manifestOfBlob } from './manifestBlobs';
import { admit, parseJsonLines, parseRecordText } from './recordCodec';
import { publishedRef, RepoContext } from './repoContext';
import { RecordCache } from './recordCache';
import { SeenTips } from './seenTips';
import { lastSealed, SealState } from './lastSealed';
import { LocalStateKey } from './localState';
import { ChainResult, ManifestChain } from './manifestChain';
import { InstructionTrust } from './instructionTrust';

type ParsedRecords = Omit<SessionSnapshot, 'session' | 'recordsTip' | 'workTip'>;

/** Far above an honest session (a status, a completion per phase, a verification per peer phase, an ack per instruction). */
export const MAX_FILES_PER_SESSION = 2_000;
export const MAX_BYTES_PER_SESSION = 16 << 20;

/** The files a session's folder may hold, relative to it; anything else is reported and never read. */
const RECORD_FILE =
  /^(status\.yaml|integration\.yaml|ledger\.jsonl|witness\.jsonl|(phases\/\d+|adopted\/[^/]+-\d+|verifications\/[^/]+|acks\/[^/]+)\.(yaml))$/;

export interface ReaderOptions {
  /** The session this clone belongs to: its own branches are read from local refs. */
  readonly me?: string | null;
  /** Remember tips between reads to detect history rewrites (on by default). */
  readonly trackRewrites?: boolean;
  /** Keep admitted records and ancestry answers in .git/s2/record-cache.json (on by default). */
  readonly persistentCache?: boolean;
  /** Where S2_HOME is (the key that authenticates .git/s2/ state); absent: the default home. */
  readonly env?: NodeJS.ProcessEnv;
  /** The branch to look at first for the manifest (the host's S2_COORDINATION_BRANCH), before main and master. */
  readonly coordinationBranch?: string | null;
  /** Approver-key fingerprints the genesis manifest must be signed with (explicit pin, beside TOFU). */
  readonly trustFingerprints?: readonly string[];
}

export class SnapshotReader {
  readonly cat: CatFileBatch;
  /** Trees by id, kept as promises so concurrent session reads ask cat-file for a tree once. */
  private readonly trees = new Map<string, Promise<TreeEntry[]>>();
  private readonly records = new Map<string, ParsedRecords>();
  private readonly ancestry = new Map<string, boolean>();
  private readonly frontMatter = new Map<string, string | undefined>();
  private readonly seen: SeenTips;
  private readonly instructionTrust = new InstructionTrust();
  /** The root of trust: which manifest is in effect (manifestChain.ts). */
  readonly trust: ManifestChain;
  private readonly cache: RecordCache;

  constructor(
    readonly ctx: RepoContext,
    private readonly opts: ReaderOptions = {},
  ) {
    this.cat = new CatFileBatch(ctx.root);
    let key: Promise<LocalStateKey> | null = null;
    const stateKey = (): Promise<LocalStateKey> => (key ??= LocalStateKey.load(opts.env ?? {}));
    this.seen = SeenTips.forRepo(ctx.commonDir, stateKey);
    this.trust = ManifestChain.forRepo(this, ctx.commonDir, opts.trustFingerprints ?? []);
    this.cache = RecordCache.forRepo(ctx.commonDir, opts.persistentCache !== false, stateKey);
  }

  dispose(): void {
    this.cat.dispose();
  }

  get seenTips(): SeenTips {
    return this.seen;
  }

  /**
   * Commit objects by id, read once per reader (objects never change): the seal walk, the
   * ancestry walks and the tree lookups share them, and a prefetch can fill them in one batch.
   */
  private readonly commitObjects = new Map<string, Promise<GitObject | null>>();

  /** The commit `oid` (null when missing or not a commit), through the per-reader cache. */
  readCommit(oid: string): Promise<GitObject | null> {
    let hit = this.commitObjects.get(oid);
    if (!hit) {
      hit = this.cat.read(oid).then((o) => (o && o.type === 'commit' ? o : null));
      hit.catch(() => this.commitObjects.delete(oid));
      this.commitObjects.set(oid, hit);
    }
    return hit;
  }

  /** Ask for a commit's first-parent chain in one batch (`<oid>~k` names), so a walk finds it cached. */
  private prefetchFirstParents(oid: string, depth: number): void {
    for (let k = 1; k <= depth; k++)
      void this.cat.read(`${oid}~${k}`).then(
        (o) => {
          if (o?.type === 'commit' && !this.commitObjects.has(o.oid)) this.commitObjects.set(o.oid, Promise.resolve(o));
        },
        () => undefined,
      );
  }

  async resolve(ref: string): Promise<string | null> {
    const o = await this.cat.read(ref);
    if (!o || o.type !== 'commit') return null;
    // The whole commit came back: keep it, so the seal walk and commitTree() do not ask again.
    if (!this.commitObjects.has(o.oid)) this.commitObjects.set(o.oid, Promise.resolve(o));
    return o.oid;
  }

  /** The tip to read for `branch`: local for this session's own branches, published otherwise. */
  async tipOf(branch: string, own: boolean): Promise<string | null> {
    if (!this.ctx.remote) return this.resolve(`refs/heads/${branch}`);
    const remote = await this.resolve(publishedRef(this.ctx, branch));
    if (!own) return remote;
    const local = await this.resolve(`refs/heads/${branch}`);
    if (!local || !remote || local === remote) return local ?? remote;
    return (await this.isAncestor(local, remote)) ? remote : local;
  }

  /**
   * The coordination branch and its tip. Found in two steps: the first of the configured
   * branch (`coordinationBranch`: the host's S2_COORDINATION_BRANCH), main, master that exists; then, when the manifest there names
   * another `coordinationBranch`, that branch (one hop: the manifest's word is followed, and
   * what is read from then on is the manifest on the branch it names).
   */
  async coordination(): Promise<{ branch: string; tip: string }> {
    const candidates = [this.opts.coordinationBranch, 'main', 'master'].filter((x): x is string => !!x);
    for (const branch of candidates) {
      const tip = await this.branchTip(branch);
      if (tip) return this.followManifest({ branch, tip });
    }
    throw new S2Error(
      'MANIFEST_MISSING',
      `no coordination branch (tried ${candidates.join(', ')}) in ${this.ctx.root}; run s2 init, or set S2_COORDINATION_BRANCH`,
    );
  }

  private async branchTip(branch: string): Promise<string | null> {
    return (
      (await this.resolve(publishedRef(this.ctx, branch))) ??
      (this.ctx.remote ? await this.resolve(`refs/heads/${branch}`) : null)
    );
  }

  private async followManifest(found: { branch: string; tip: string }): Promise<{ branch: string; tip: string }> {
    if (!(await this.entryAt(await this.commitTree(found.tip), MANIFEST_PATH))) return found;
    // Which branch coordinates is the approved manifest's word, like every other rule: a
    // commit at the tip cannot move the swarm to a branch of its choosing. A tip that cannot
    // be judged (a syntax error, no approval yet) is reported by the read that follows.
    const named = await this.effectivePlan(found.tip).then(
      (r) => r.plan.coordinationBranch,
      () => undefined,
    );
    if (!named || named === found.branch) return found;
    const tip = await this.branchTip(named);
    if (!tip)
      throw new S2Error(
        'MANIFEST_MISSING',
        `the manifest on ${found.branch} names coordinationBranch ${named}, which is not in ${this.ctx.root}${this.ctx.remote ? ` (fetch it: git fetch ${this.ctx.remote} ${named})` : ''}`,
      );
    return { branch: named, tip };
  }

  private tree(oid: string): Promise<TreeEntry[]> {
    let hit = this.trees.get(oid);
    if (!hit) {
      hit = this.cat.read(oid).then((o) => {
        if (!o || o.type !== 'tree') throw new S2Error('GIT_FAILED', `tree ${oid} is missing from the object store`);
        return parseTree(o.data);
      });
      hit.catch(() => this.trees.delete(oid));
      this.trees.set(oid, hit);
    }
    return hit;
  }

  private async commitTime(commit: string): Promise<string | undefined> {
    const o = await this.readCommit(commit);
    if (!o) return undefined;
    const t = parseCommit(o.data).committerTime;
    return t ? new Date(t * 1000).toISOString() : undefined;
  }

  /** Objects never change: a commit's tree and a commit's existence are read once per reader. */
  private readonly treeOfCommit = new Map<string, string>();
  private readonly existingCommits = new Set<string>();

  private async commitTree(commit: string): Promise<string> {
    const hit = this.treeOfCommit.get(commit);
    if (hit) return hit;
    const o = await this.readCommit(commit);
    if (!o) throw new S2Error('GIT_FAILED', `commit ${commit} is missing from the object store`);
    const tree = parseCommit(o.data).tree;
    this.treeOfCommit.set(commit, tree);
    return tree;
  }

  private async commitExists(commit: string): Promise<boolean> {
    if (this.existingCommits.has(commit)) return true;
    const exists = !!(await this.readCommit(commit));
    if (exists) this.existingCommits.add(commit);
    return exists;
  }

  /** The entry at `path` (a/b/c) under tree `root`, or null. */
  async entryAt(root: string, path: string): Promise<TreeEntry | null> {
    let tree = root;
    const parts = path.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const e = (await this.tree(tree)).find((x) => x.name === parts[i]);
      if (!e) return null;
      if (i === parts.length - 1) return e;
      if (e.mode !== '40000') return null;
      tree = e.oid;
    }
    return null;
  }

  async blobText(oid: string): Promise<string> {
    const o = await this.cat.read(oid);
    if (!o) throw new S2Error('GIT_FAILED', `blob ${oid} is missing`);
    if (o.type !== 'blob') throw new S2Error('GIT_FAILED', `object ${oid} is a ${o.type}, not a file`);
    return o.data.toString('utf8');
  }

  async readPlan(tip: string): Promise<SwarmPlan> {
    const entry = await this.entryAt(await this.commitTree(tip), MANIFEST_PATH);
    if (!entry)
      throw new S2Error(
        'MANIFEST_MISSING',
        `${MANIFEST_PATH} is not on the coordination branch (commit ${tip.slice(0, 12)}); run s2 init --sessions a,b,c`,
      );
    return (await this.manifestOfBlob(entry.oid)).plan;
  }

  /** The manifest in blob `oid`, parsed once per process and kept per clone and build (manifestBlobs.ts). */
  manifestOfBlob(oid: string): Promise<{ readonly text: string; readonly plan: SwarmPlan }> {
    return manifestOfBlob(oid, (o) => this.blobText(o), this.cache);
  }

  /** The last approved manifest (not necessarily the one at the tip), with the trust findings. */
  async effectivePlan(tip: string, coordTree?: string): Promise<ChainResult> {
    const entry = await this.entryAt(coordTree ?? (await this.commitTree(tip)), MANIFEST_PATH);
    if (!entry)
      throw new S2Error(
        'MANIFEST_MISSING',
        `${MANIFEST_PATH} is not on the coordination branch (commit ${tip.slice(0, 12)}); run s2 init --sessions a,b,c`,
      );
    return this.trust.evaluate(tip, entry.oid);
  }

  /** Is `a` an ancestor of (or equal to) `b`? Walks parents through cat-file; git decides past a bound. */
  async isAncestor(a: string, b: string): Promise<boolean> {
    if (a === b) return true;
    const key = `${a}..${b}`;
    const hit = this.ancestry.get(key) ?? this.cache.ancestry(key);
    if (hit !== undefined) return hit;
    const seen = new Set<string>([b]);
    const todo = [b];
    let walked = 0;
    let found = false;
    while (todo.length && walked < 2000) {
      const c = todo.shift()!;
      walked++;
      const o = await this.readCommit(c);
      if (!o) continue;
      for (const p of parseCommit(o.data).parents) {
        if (p === a) {
          found = true;
          todo.length = 0;
          break;
        }
        if (!seen.has(p)) {
          seen.add(p);
          todo.push(p);
        }
      }
    }
    if (!found && todo.length)
      found =
        (await runGit(['merge-base', '--is-ancestor', a, b], { cwd: this.ctx.root, allowFailure: true })).code === 0;
    this.ancestry.set(key, found);
    this.cache.setAncestry(key, found);
    return found;
  }

  /** A session's records in `treeOid` as read before (this reader, or the clone's cache), if they were. */
  private cachedRecords(
    session: string,
    treeOid: string | null,
    publicKey: string | undefined,
    sealed: boolean,
  ): ParsedRecords | undefined {
    const key = recordsKey(session, treeOid, publicKey, sealed);
    const hit = this.records.get(key) ?? this.cache.records<ParsedRecords>(key);
    if (hit) this.records.set(key, hit);
    return hit;
  }

  /**
   * A session's records in tree `treeOid`. `sealed`: the owner's seal over this very tree was
   * verified, and it covers every record byte for byte — one signature check for the whole
   * set instead of one per record (records naming another signer are still checked).
   */
  private async parseSessionTree(
    session: string,
    treeOid: string | null,
    publicKey: string | undefined,
    sealed = false,
  ): Promise<ParsedRecords> {
    const hit = this.cachedRecords(session, treeOid, publicKey, sealed);
    if (hit) return hit;
    const cacheKey = recordsKey(session, treeOid, publicKey, sealed);
    const problems: RecordProblem[] = [];
    let status: StatusRecord | null = null;
    const completions: CompletionRecord[] = [];
    const verifications: VerificationRecord[] = [];
    const acks: AckRecord[] = [];
    let ledger: LedgerEntry[] = [];
    let witness: WitnessEntry[] = [];
    let integration: IntegrationRecord | null = null;
    const root = recordPaths.root(session);
    const all = treeOid ? await this.listFiles(treeOid, root) : [];
    // A bound on what one session's folder costs every reader: files, and bytes parsed. The
    // status, ledger and completions go first, so a folder flooded with acks or unknown files
    // cannot push the session's own spend out of reach of the cap (a budget reset).
    const files = (all.length > MAX_FILES_PER_SESSION ? byReadPriority(all, root) : all).slice(
      0,
      MAX_FILES_PER_SESSION,
    );
    if (all.length > files.length)
      problems.push({
        code: 'RECORD_INVALID',
        session,
        path: root,
        message: `${root} holds ${all.length} files; only the first ${MAX_FILES_PER_SESSION} are read`,
      });
    let bytes = 0;
    // Blobs are asked for a window ahead, so one session's records come in a few batches, not
    // a round trip each; the window bounds what is held in memory at once.
    const ahead = new Map<number, Promise<string>>();
    const textAt = (i: number): Promise<string> => {
      for (let j = i; j < Math.min(files.length, i + 16); j++)
        if (!ahead.has(j) && RECORD_FILE.test(files[j]!.path.slice(root.length))) {
          const p = this.blobText(files[j]!.oid);
          p.catch(() => undefined); // awaited (and reported) in order below
          ahead.set(j, p);
        }
      const p = ahead.get(i)!;
      ahead.delete(i);
      return p;
    };
    for (const [i, f] of files.entries()) {
      const rel = f.path.slice(root.length);
      if (!RECORD_FILE.test(rel)) {
        problems.push({
          code: 'RECORD_INVALID',
          session,
          path: f.path,
          message: `${f.path}: not a record S² knows; ignored (not read)`,
        });
        continue;
      }
      try {
        const text = await textAt(i);
        bytes += text.length;
        if (bytes > MAX_BYTES_PER_SESSION)
          throw new S2Error(
            'RECORD_INVALID',
            `${f.path}: ${session}'s records pass ${MAX_BYTES_PER_SESSION} bytes; the rest are not read`,
          );
        // Every record file of the folder is admitted the same way: parsed, schema-checked, and
        // its signature checked unless the owner's seal vouches for the whole set.
        const admitHere = <T>(schema: Parameters<typeof admit<T>>[0]) =>
          admit(schema, parseRecordText(text, f.path), session, f.path, publicKey, undefined, sealed);
        if (rel === 'status.yaml') {
          const a = admitHere(StatusRecord);
          if (a.ok && a.record.session === session) status = a.record;
          else problems.push(a.ok ? foreign(session, f.path, a.record.session) : a.problem);
        } else if (/^(phases\/\d+|adopted\/[^/]+-\d+)\.yaml$/.test(rel)) {
          const a = admitHere(CompletionRecord);
          if (a.ok && a.record.session === session) completions.push(a.record);
          else problems.push(a.ok ? foreign(session, f.path, a.record.session) : a.problem);
        } else if (/^verifications\/[^/]+\.yaml$/.test(rel)) {
          const a = admitHere(VerificationRecord);
          if (a.ok && a.record.verifier === session) verifications.push(a.record);
          else problems.push(a.ok ? foreign(session, f.path, a.record.verifier) : a.problem);
        } else if (/^acks\/[^/]+\.yaml$/.test(rel)) {
          const a = admitHere(AckRecord);
          if (a.ok) acks.push(a.record);
          else problems.push(a.problem);
        } else if (rel === 'ledger.jsonl') {
          ledger = this.chain(LedgerEntry, text, session, f.path, publicKey, problems, sealed);
        } else if (rel === 'witness.jsonl') {
          witness = this.chain(WitnessEntry, text, session, f.path, publicKey, problems, sealed);
        } else if (rel === 'integration.yaml') {
          const a = admitHere(IntegrationRecord);
          if (a.ok && a.record.session === session) integration = a.record;
          else problems.push(a.ok ? foreign(session, f.path, a.record.session) : a.problem);
        } else {
          problems.push({
            code: 'RECORD_INVALID',
            session,
            path: f.path,
            message: `${f.path}: not a record S² knows; ignored`,
          });
        }
      } catch (e) {
        problems.push({
          code: 'RECORD_INVALID',
          session,
          path: f.path,
          message: errorMessage(e),
        });
      }
    }
    const parsed: ParsedRecords = { status, completions, verifications, acks, ledger, witness, integration, problems };
    this.records.set(cacheKey, parsed);
    this.cache.setRecords(cacheKey, parsed);
    return parsed;
  }

  /**
   * A hash-chained log (ledger, witness). Each entry's hash covers its content and the hash
   * before it, so a signature on the last entry covers them all: when the chain is whole and
   * its tip verifies (or a seal vouches for the file), one check admits the log. Anything
   * else — a bad tip, a break, an entry that fails its schema — is judged entry by entry as
   * before, so what is reported does not change.
   */
  private chain<T extends { seq: number; prev: string; hash: string }>(
    schema: Parameters<typeof admit<T>>[0],
    text: string,
    session: string,
    file: string,
    publicKey: string | undefined,
    problems: RecordProblem[],
    sealed = false,
  ): T[] {
    const lines = parseJsonLines(text, file);
    const fast = this.wholeChain(schema, lines, session, file, publicKey, sealed);
    if (fast) return fast;
    const out: T[] = [];
    for (const { value, line } of lines) {
      const a = admit(schema, value, session, file, publicKey, line, sealed);
      if (a.ok) out.push(a.record);
      else problems.push(a.problem);
    }
    const { kept, brokenAt } = chainPrefix(out);
    if (brokenAt >= 0) {
      problems.push({
        code: 'CHAIN_BROKEN',
        session,
        path: file,
        message: `${file}: the hash chain breaks at entry ${brokenAt + 1} (an entry was removed, reordered or edited); entries from there on are ignored`,
      });
      return kept;
    }
    return out;
  }

  /** The log admitted by its signed tip, or null when any entry needs judging on its own. */
  private wholeChain<T extends { seq: number; prev: string; hash: string }>(
    schema: Parameters<typeof admit<T>>[0],
    lines: readonly { value: unknown; line: number }[],
    session: string,
    file: string,
    publicKey: string | undefined,
    sealed: boolean,
  ): T[] | null {
    const out: T[] = [];
    for (let i = 0; i < lines.length; i++) {
      const { value, line } = lines[i]!;
      // Only the tip's signature is checked (unless a seal vouches for the file); the others' content is bound to it by the hashes.
      const a = admit(schema, value, session, file, publicKey, line, sealed || i < lines.length - 1);
      if (!a.ok) return null;
      out.push(a.record);
    }
    return firstChainBreak(out as unknown as (T & Record<string, unknown>)[]) < 0 ? out : null;
  }

  /** Files (blobs) under `prefix` in tree `root`, with full paths. */
  private async listFiles(root: string, prefix: string): Promise<{ path: string; oid: string }[]> {
    const top = await this.entryAt(root, prefix.replace(/\/$/, ''));
    if (!top || top.mode !== '40000') return [];
    // Sub-folders are walked concurrently (their requests share a batch), listed in tree order.
    const walk = async (oid: string, base: string): Promise<{ path: string; oid: string }[]> => {
      const parts = await Promise.all(
        (await this.tree(oid)).map((e) =>
          e.mode === '40000' ? walk(e.oid, `${base}${e.name}/`) : [{ path: `${base}${e.name}`, oid: e.oid }],
        ),
      );
      return parts.flat();
    };
    return walk(top.oid, prefix);
  }

  /** Paths in a records commit outside the session's own folder: a foreign write. */
  private async foreignPaths(rootTree: string, session: string): Promise<string[]> {
    // A fact about an immutable tree: kept in the clone's authenticated cache.
    const key = `foreign|${rootTree}|${session}`;
    const hit = this.cache.records<string[]>(key);
    if (hit) return hit;
    const out: string[] = [];
    const allowed = ['.s2', 'sessions', session];
    const walk = async (oid: string, depth: number, base: string): Promise<void> => {
      for (const e of await this.tree(oid)) {
        if (depth < allowed.length && e.name === allowed[depth] && e.mode === '40000')
          await walk(e.oid, depth + 1, `${base}${e.name}/`);
        else if (depth < allowed.length) out.push(`${base}${e.name}`);
      }
    };
    await walk(rootTree, 0, '');
    this.cache.setRecords(key, out);
    return out;
  }

  /**
   * The phase instructions on the coordination branch, with their signatures judged. Sessions
   * and files are read concurrently (their requests share batches); results keep plan order.
   */
  private async instructions(
    coordTree: string,
    plan: SwarmPlan,
    problems: RecordProblem[],
  ): Promise<InstructionInfo[]> {
    const perSession = await Promise.all(
      plan.sessions.map(async (s): Promise<(InstructionInfo | RecordProblem)[]> => {
        let entries: TreeEntry[];
        try {
          const dir = await this.entryAt(coordTree, `.s2/instructions/${s.id}`);
          if (!dir || dir.mode !== '40000') return [];
          entries = await this.tree(dir.oid);
        } catch (e) {
          return [
            {
              code: 'UNREADABLE_OBJECT',
              session: s.id,
              path: `.s2/instructions/${s.id}`,
              message: `.s2/instructions/${s.id}/ cannot be read (${errorMessage(e)}); ${s.id}'s instructions are left out`,
            },
          ];
        }
        const found = await Promise.all(
          entries.map(async (e) => {
            const m = /^phase-(\d+)\.md$/.exec(e.name);
            return m ? this.instruction(plan, s.id, Number(m[1]), e) : null;
          }),
        );
        return found.filter((x): x is InstructionInfo | RecordProblem => x !== null);
      }),
    );
    const out: InstructionInfo[] = [];
    for (const x of perSession.flat()) {
      if ('code' in x) problems.push(x);
      else out.push(x);
    }
    return out.sort((a, b) => (a.session < b.session ? -1 : a.session > b.session ? 1 : a.phase - b.phase));
  }

  /** One instruction file: its id (front matter) and whether it may be acted on (signature). */
  private async instruction(
    plan: SwarmPlan,
    session: string,
    phase: number,
    e: TreeEntry,
  ): Promise<InstructionInfo | RecordProblem> {
    const path = `.s2/instructions/${session}/${e.name}`;
    let id = this.frontMatter.get(e.oid);
    if (!this.frontMatter.has(e.oid)) {
      // Parsed once per blob per clone (the cache is authenticated), not once per hook call.
      const cached = this.cache.records<{ id: string | null }>(`front-matter|${e.oid}`);
      if (cached) id = cached.id ?? undefined;
      else {
        try {
          const fm = parseFrontMatter(await this.blobText(e.oid)).data;
          id = typeof fm['id'] === 'string' ? fm['id'] : undefined;
        } catch {
          id = undefined;
        }
        this.cache.setRecords(`front-matter|${e.oid}`, { id: id ?? null });
      }
      this.frontMatter.set(e.oid, id);
    }
    // The verdict is a fact about an immutable blob and the signers' keys: kept per clone too.
    const signers = Object.entries(plan.approvers)
      .map(([a, k]) => `${a}=${k.publicKey ?? ''}`)
      .concat(plan.sessions.filter((x) => x.coordinator).map((x) => `${x.id}=${x.publicKey ?? ''}`))
      .join('|');
    const verdictKey = `instruction|${e.oid}|${session}|${phase}|${sha256(signers)}`;
    const kept = this.cache.records<{ problem: RecordProblem | null }>(verdictKey);
    let judged = false; // an unreadable blob is a passing state, never kept
    const text = (): Promise<string> => this.blobText(e.oid).then((t) => ((judged = true), t));
    const unsigned = kept ? kept.problem : await this.instructionTrust.check(plan, e.oid, text, session, phase, path);
    if (!kept && judged) this.cache.setRecords(verdictKey, { problem: unsigned });
    return unsigned ?? { session, phase, id: id ?? `${session}/phase-${phase}`, path, blob: e.oid };
  }

  async read(): Promise<Snapshot> {
    const me = this.opts.me ?? null;
    await this.cache.load();
    const coord = await this.coordination();
    const coordTree = await this.commitTree(coord.tip);
    const { plan, state: manifest, problems: trustProblems } = await this.effectivePlan(coord.tip, coordTree);
    if (this.opts.trackRewrites !== false) await this.seen.load();
    const sessions: Record<string, SessionSnapshot> = {};
    const commits = new Map<string, ReadonlyMap<string, CommitFacts>>();
    const problems: RecordProblem[] = [...trustProblems];
    const tipsForId: string[] = [`coord=${coord.tip}`, `manifest=${manifest.effective}`];
    // Sessions are read concurrently: their cat-file requests go out in batches, and cat-file
    // decompresses while Node parses. Results are assembled in plan order, so the snapshot,
    // its id and its problems do not depend on which answer came first.
    const reads = await Promise.all(
      plan.sessions.map(async (sp) => {
        const out: SessionRead = { ids: [], commits: new Map(), rewriteTip: null };
        try {
          return { sp, out, snap: await this.readSession(sp, sp.id === me, out) };
        } catch (e) {
          // An object that cannot be read (a gitlink, a missing or mistyped object) blinds
          // only the branch that holds it: that session's records are not read, everyone
          // else's are, and the view says why.
          out.ids.push(`${sp.id}=unreadable`);
          const snap: SessionSnapshot = {
            ...emptySession(sp.id),
            problems: [
              {
                code: 'UNREADABLE_OBJECT',
                session: sp.id,
                message: `${sessionRef(sp.id)} cannot be read (${errorMessage(e)}); ${sp.id}'s records are left out until its owner repairs the branch (s2 repair); every other session is read as usual`,
              },
            ],
          };
          return { sp, out, snap };
        }
      }),
    );
    for (const { sp, out, snap } of reads) {
      sessions[sp.id] = snap;
      tipsForId.push(...out.ids);
      commits.set(sp.id, out.commits);
    }
    if (this.opts.trackRewrites !== false) await this.checkRewrites(reads.map((r) => [r.sp.id, r.out.rewriteTip]));
    const tampered = this.opts.trackRewrites !== false ? this.seen.tampered() : null;
    if (tampered)
      problems.push({
        code: 'LOCAL_STATE_TAMPERED',
        session: '*',
        path: '.git/s2/seen-tips.json',
        message: `.git/s2/seen-tips.json (the tips this clone saw, which finds history rewrites) was edited by someone without this clone's key ($S2_HOME/local-state.key), found at ${tampered}; its tips are not believed; clear with s2 validate --accept-rewrite '*' after review`,
      });
    for (const r of this.seen.rewrites()) {
      problems.push({
        code: 'HISTORY_REWRITE',
        session: r.session,
        message: `${sessionRef(r.session)} was rewritten: ${r.to.slice(0, 12)} does not descend from ${r.from.slice(0, 12)} seen before (records may have been removed); clear with s2 validate --accept-rewrite ${r.session} after review`,
      });
    }
    if (this.opts.trackRewrites !== false) await this.seen.save();
    const instructions = await this.instructions(coordTree, plan, problems);
    await this.cache.save();
    const approvals: ApprovalEntry[] = [];
    for (const [approver, a] of Object.entries(plan.approvers)) {
      try {
        approvals.push(...(await this.readApprovals(approver, a.publicKey, problems, tipsForId)));
      } catch (e) {
        problems.push({
          code: 'UNREADABLE_OBJECT',
          session: `approver:${approver}`,
          message: `${approverRef(approver)} cannot be read (${errorMessage(e)}); ${approver}'s approvals are left out; everything else is read as usual`,
        });
      }
    }
    return {
      id: sha256(tipsForId.join('\n')).slice(0, 16),
      plan,
      coordinationTip: coord.tip,
      coordinationTime: await this.commitTime(coord.tip),
      sessions,
      approvals,
      instructions,
      problems,
      commits,
      manifest,
    };
  }

  /** One session's branch: its ref, its seal, its records, the facts about its completions. */
  private async readSession(
    sp: SwarmPlan['sessions'][number],
    own: boolean,
    out: SessionRead,
  ): Promise<SessionSnapshot> {
    const { commits, ids: tipsForId } = out;
    const sessionProblems: RecordProblem[] = [];
    const ref = await this.refCheck(sp.id, own, sessionProblems);
    const recordsTip = ref.tip;
    const workTip = await this.tipOf(sp.branch, own);
    tipsForId.push(`${sp.id}=${ref.raw ?? recordsTip}/${workTip}`);
    let parsed: ParsedRecords;
    if (recordsTip) {
      const { at: readAt, sealed } = await this.sealedReadPoint(sp, recordsTip, sessionProblems);
      const readTree = readAt ? await this.commitTree(readAt) : null;
      const rootTree = await this.commitTree(recordsTip).catch(() => null);
      // Started now, so its tree requests share batches with the records' own.
      const foreignP = rootTree ? this.foreignPaths(rootTree, sp.id) : null;
      foreignP?.catch(() => undefined);
      parsed =
        (readTree && this.cachedRecords(sp.id, readTree, sp.publicKey, sealed)) ||
        (await this.parseSessionTree(
          sp.id,
          readTree && (await this.entryAt(readTree, `.s2/sessions/${sp.id}`)) ? readTree : null,
          sp.publicKey,
          sealed,
        ));
      try {
        const tipTree = rootTree ?? (await this.commitTree(recordsTip)); // throws when the tip cannot be read
        const foreign = await (foreignP ?? this.foreignPaths(tipTree, sp.id));
        if (foreign.length)
          sessionProblems.push({
            code: 'FOREIGN_WRITE',
            session: sp.id,
            path: foreign[0],
            message: `${sessionRef(sp.id)} holds files outside ${sessionDir(sp.id)}/ (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); they are ignored`,
          });
        if (readAt !== recordsTip) {
          // What the unsealed commits hold is reported (never admitted), so a person sees the attempt.
          const tipDir = await this.entryAt(tipTree, `.s2/sessions/${sp.id}`);
          const atTip = await this.parseSessionTree(sp.id, tipDir ? tipTree : null, sp.publicKey);
          sessionProblems.push(...atTip.problems.filter((p) => !parsed.problems.some((q) => q.path === p.path)));
        }
      } catch (e) {
        if (readAt === recordsTip) throw e;
        sessionProblems.push({
          code: 'UNREADABLE_OBJECT',
          session: sp.id,
          message: `the unsealed tip of ${sessionRef(sp.id)} cannot be read (${errorMessage(e)}); ${sp.id}'s sealed records are read`,
        });
      }
      if (!ref.remembered) out.rewriteTip = recordsTip;
    } else parsed = await this.parseSessionTree(sp.id, null, sp.publicKey);
    // Asked concurrently (one batch of cat-file requests), recorded in completion order.
    const fresh = [...new Set(parsed.completions.map((c) => c.commit))];
    const unknown = (c: string): boolean =>
      c !== workTip &&
      this.ancestry.get(`${c}..${workTip}`) === undefined &&
      this.cache.ancestry(`${c}..${workTip}`) === undefined;
    if (workTip && fresh.some(unknown)) this.prefetchFirstParents(workTip, Math.min(fresh.length + 2, 64));
    const facts = await Promise.all(
      fresh.map(async (commit): Promise<CommitFacts> => {
        const exists = await this.commitExists(commit);
        return { exists, onWorkBranch: exists && !!workTip && (await this.isAncestor(commit, workTip)) };
      }),
    );
    fresh.forEach((commit, i) => commits.set(commit, facts[i]!));
    return {
      session: sp.id,
      recordsTip,
      workTip,
      ...parsed,
      problems: [...parsed.problems, ...sessionProblems],
    };
  }

  /**
   * The records tip of a session, checked as a ref: a ref that names something other than a
   * commit, or that vanished while this clone remembers a tip, is reported, and the
   * remembered tip is read instead (it still holds every record the owner wrote).
   */
  private async refCheck(
    session: string,
    own: boolean,
    problems: RecordProblem[],
  ): Promise<{ tip: string | null; raw: string | null; remembered: boolean }> {
    const branch = sessionBranch(session);
    const tip = await this.tipOf(branch, own);
    if (tip) return { tip, raw: null, remembered: false };
    const name = own && this.ctx.remote ? `refs/heads/${branch}` : publishedRef(this.ctx, branch);
    const raw = await this.cat.read(name);
    const before = this.opts.trackRewrites !== false ? this.seen.tip(session) : undefined;
    const kept = before ? await this.resolve(before) : null;
    if (raw)
      problems.push({
        code: 'REF_NOT_COMMIT',
        session,
        message: `${sessionRef(session)} points at a ${raw.type} (${raw.oid.slice(0, 12)}), not a commit${kept ? `; read at ${kept.slice(0, 12)}, the tip seen before` : ''}; its owner's next write puts it back on its history`,
      });
    else if (before)
      problems.push({
        code: 'REF_VANISHED',
        session,
        message: `${sessionRef(session)} was deleted, but this clone saw it at ${before.slice(0, 12)}${kept ? ', which is read instead' : ', which is gone too'}; its owner's next write continues that history, never a new root`,
      });
    return { tip: kept, raw: raw ? `${raw.type}:${raw.oid}` : before ? 'vanished' : null, remembered: !!kept };
  }

  private readonly seals = new Map<string, SealState>();

  /**
   * Where to read a session's records: its tip when the owner sealed it, else the owner's
   * last sealed commit (commits on top were not produced by the owner, FOREIGN_COMMIT); a
   * branch from before seals is read at its tip.
   */
  private async sealedReadPoint(
    sp: SwarmPlan['sessions'][number],
    tip: string,
    problems: RecordProblem[],
  ): Promise<{ at: string | null; sealed: boolean }> {
    const key = `${tip}|${sp.publicKey ?? ''}`;
    // A seal check is a fact about immutable objects: kept per clone in the authenticated cache.
    let st = this.seals.get(key) ?? this.cache.records<SealState>(`seal|${key}`);
    if (!st) {
      st = await lastSealed({ read: (c) => this.readCommit(c) }, tip, sp.id, sp.publicKey);
      if (!st.unreadable) this.cache.setRecords(`seal|${key}`, st);
    }
    this.seals.set(key, st);
    if (st.unreadable)
      throw new S2Error('GIT_FAILED', `commit ${st.unreadable.slice(0, 12)} in its history is missing or not a commit`);
    if (st.legacy) return { at: tip, sealed: false };
    if (st.foreign.length === 0) return { at: tip, sealed: st.sealed === tip };
    const ids = st.foreign.slice(0, 3).map((c) => c.slice(0, 12));
    problems.push({
      code: 'FOREIGN_COMMIT',
      session: sp.id,
      message: `${st.foreign.length} commit(s) on ${sessionRef(sp.id)} were not sealed by ${sp.id} (${ids.join(', ')}${st.foreign.length > 3 ? ', …' : ''}): someone else wrote them; ${st.sealed ? `its records are read at ${st.sealed.slice(0, 12)}, the last commit ${sp.id} sealed, and its next write (or s2 repair) rebuilds from there` : `no commit sealed by ${sp.id} is within reach, so none of its records are read`}`,
    });
    return { at: st.sealed, sealed: st.sealed !== null };
  }

  private async readApprovals(
    approver: string,
    publicKey: string | undefined,
    problems: RecordProblem[],
    tipsForId: string[],
  ): Promise<ApprovalEntry[]> {
    const tip = await this.tipOf(approverBranch(approver), true);
    tipsForId.push(`approver:${approver}=${tip}`);
    if (!tip) return [];
    const at = await approverReadPoint(this.cat, tip, approver, publicKey, problems);
    if (at !== tip) {
      // What the unsealed tip holds is reported (never admitted), so a person sees the attempt.
      await this.approvalsAt(tip, approver, publicKey, problems).catch((e: unknown) =>
        problems.push({
          code: 'UNREADABLE_OBJECT',
          session: approverSealId(approver),
          message: `the unsealed tip of ${approverRef(approver)} cannot be read (${errorMessage(e)}); ${approver}'s sealed approvals are read`,
        }),
      );
    }
    return at ? this.approvalsAt(at, approver, publicKey, problems) : [];
  }

  private async approvalsAt(
    commit: string,
    approver: string,
    publicKey: string | undefined,
    problems: RecordProblem[],
  ): Promise<ApprovalEntry[]> {
    const entry = await this.entryAt(await this.commitTree(commit), recordPaths.approvals(approver));
    if (!entry) return [];
    const list: ApprovalEntry[] = [];
    for (const { value, line } of parseJsonLines(await this.blobText(entry.oid), recordPaths.approvals(approver))) {
      const ad = admit(
        ApprovalEntry,
        value,
        approver,
        `${approverRef(approver)}:${recordPaths.approvals(approver)}`,
        publicKey,
        line,
      );
      if (ad.ok && ad.record.approver === approver) list.push(ad.record);
      else if (!ad.ok) problems.push({ ...ad.problem, session: `approver:${approver}` });
    }
    const { kept, brokenAt } = chainPrefix(list);
    if (brokenAt >= 0)
      problems.push({
        code: 'CHAIN_BROKEN',
        session: `approver:${approver}`,
        message: `approvals of ${approver}: the hash chain breaks at entry ${brokenAt + 1}`,
      });
    return kept;
  }

  /** History rewrites: ancestry asked concurrently, the clone's memory of tips updated in plan order. */
  private async checkRewrites(tips: readonly (readonly [string, string | null])[]): Promise<void> {
    const rewritten = await Promise.all(
      tips.map(async ([session, tip]) => {
        const before = tip ? this.seen.tip(session) : undefined;
        return !!before && before !== tip && !(await this.isAncestor(before, tip!));
      }),
    );
    tips.forEach(([session, tip], i) => {
      if (!tip) return;
      if (rewritten[i])
        this.seen.recordRewrite({ session, from: this.seen.tip(session)!, to: tip, at: new Date().toISOString() });
      this.seen.advance(session, tip);
    });
  }
}

/** What reading one session adds to the snapshot besides its records, merged in plan order. */
interface SessionRead {
  readonly ids: string[];
  /** Facts of the commits this session's completions name (the snapshot's `commits` for it). */
  readonly commits: Map<string, CommitFacts>;
  /** The records tip to check for a history rewrite (null: none, or the remembered one was read). */
  rewriteTip: string | null;
}

function recordsKey(session: string, treeOid: string | null, publicKey: string | undefined, sealed: boolean): string {
  return `${session}|${treeOid}|${publicKey ?? ''}${sealed ? '|sealed' : ''}`;
}

function foreign(session: string, path: string, claimed: string): RecordProblem {
  return {
    code: 'FOREIGN_WRITE',
    session,
    path,
    message: `${path} in ${session}'s branch claims to be ${claimed}'s record; ignored`,
  };
}

/** Records in the order a capped read keeps them: top-level files, completions, verifications, acks, the rest. */
function byReadPriority<T extends { path: string }>(files: readonly T[], root: string): T[] {
  const rank = (p: string): number => {
    const rel = p.slice(root.length);
    if (!rel.includes('/')) return 0;
    if (/^(phases|adopted)\//.test(rel)) return 1;
    if (rel.startsWith('verifications/')) return 2;
    if (rel.startsWith('acks/')) return 3;
    return 4;
  };
  return files
    .map((f, i) => ({ f, i, r: rank(f.path) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.f);
}
