import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { chainPrefix } from '../core/hashChain';
import { MANIFEST_PATH, parseManifest, SwarmPlan } from '../core/manifest';
import {
  approverKeysOf,
  ApproverKeys,
  ChainLink,
  diffManifests,
  genesisCandidates,
  keyFingerprint,
  ManifestApproval,
  manifestDigest,
  ManifestTrustState,
  nextLink,
  TrustPin,
} from '../core/manifestTrust';
import type { RecordProblem } from '../core/snapshot';
import { parseCommit } from './gitObjects';
import { parseJsonLines } from './recordCodec';
import type { SnapshotReader } from './snapshotReader';
import { writeFileAtomic } from './atomicWrite';
import { approverBranch, approverDir } from '../core/records';

/** Where an approver keeps its manifest approvals: its own branch, next to its budget approvals. */
export const manifestApprovalsPath = (approver: string): string => `${approverDir(approver)}/manifests.jsonl`;

interface LoadedManifest {
  readonly digest: string;
  readonly text: string;
  readonly plan: SwarmPlan;
  readonly keys: ApproverKeys;
}

export interface ChainResult {
  readonly plan: SwarmPlan;
  readonly state: ManifestTrustState;
  readonly problems: RecordProblem[];
}

/**
 * Reads the chain of approved manifests through the snapshot reader's cat-file process and
 * decides which manifest the engine uses: the newest approved one, whatever the coordination
 * branch holds. The clone's pin (.git/s2/trust.json) names the genesis and the newest approved
 * manifest it has seen, so a swapped genesis or removed approvals are reported, not followed.
 */
export class ManifestChain {
  private readonly manifests = new Map<string, LoadedManifest | null>();
  private readonly approvalLists = new Map<string, ManifestApproval[]>();
  private readonly introducers = new Map<string, string | null>();
  /** Why a manifest blob did not parse (file:line), for the report on an invalid tip. */
  private readonly parseErrors = new Map<string, string>();

  constructor(
    private readonly reader: SnapshotReader,
    private readonly pinFile: string,
    /** Explicit approver-key fingerprints the genesis must be signed with (S2_TRUST_FINGERPRINTS / setting). */
    private readonly explicitPins: readonly string[] = [],
  ) {}

  static forRepo(reader: SnapshotReader, commonDir: string, explicitPins: readonly string[] = []): ManifestChain {
    return new ManifestChain(reader, path.join(commonDir, 's2', 'trust.json'), explicitPins);
  }

  async loadPin(): Promise<TrustPin | null> {
    try {
      const parsed = TrustPin.safeParse(JSON.parse(readFileSync(this.pinFile, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private async savePin(pin: TrustPin, before: TrustPin | null): Promise<void> {
    if (before && before.genesis === pin.genesis && before.head === pin.head && before.headBlob === pin.headBlob)
      return;
    await writeFileAtomic(this.pinFile, `${JSON.stringify(pin, null, 2)}\n`);
  }

  /** The manifest in blob `oid`, parsed, or null when the blob is missing or not a valid manifest. */
  async manifestAt(oid: string): Promise<LoadedManifest | null> {
    if (this.manifests.has(oid)) return this.manifests.get(oid)!;
    let loaded: LoadedManifest | null;
    try {
      const { text, plan } = await this.reader.manifestOfBlob(oid);
      loaded = { digest: manifestDigest(text), text, plan, keys: approverKeysOf(plan.raw) };
    } catch (e) {
      loaded = null;
      this.parseErrors.set(oid, e instanceof Error ? e.message.replace(/\s*\n\s*/g, ' ') : String(e));
    }
    this.manifests.set(oid, loaded);
    return loaded;
  }

  /** An approver's manifest approvals, up to the first break of their hash chain. */
  async approvalsOf(approver: string): Promise<ManifestApproval[]> {
    const tip = await this.reader.tipOf(approverBranch(approver), true);
    if (!tip) return [];
    const commit = await this.reader.cat.read(tip);
    if (!commit || commit.type !== 'commit') return [];
    const entry = await this.reader.entryAt(parseCommit(commit.data).tree, manifestApprovalsPath(approver));
    if (!entry) return [];
    const hit = this.approvalLists.get(entry.oid);
    if (hit) return hit;
    const list: ManifestApproval[] = [];
    try {
      for (const { value } of parseJsonLines(await this.reader.blobText(entry.oid), manifestApprovalsPath(approver))) {
        const a = ManifestApproval.safeParse(value);
        if (a.success && a.data.approver === approver) list.push(a.data);
        else break;
      }
    } catch {
      /* an unreadable approvals file approves nothing */
    }
    const { kept } = chainPrefix(list);
    this.approvalLists.set(entry.oid, kept);
    return kept;
  }

  private async approvalsOfAll(names: Iterable<string>): Promise<ManifestApproval[]> {
    const out: ManifestApproval[] = [];
    for (const n of [...new Set(names)].sort()) out.push(...(await this.approvalsOf(n)));
    return out;
  }

  /** The first-parent commit at or below `tip` that brought the manifest blob `blob`. */
  private async introducer(tip: string, blob: string): Promise<string | null> {
    const key = `${tip}|${blob}`;
    if (this.introducers.has(key)) return this.introducers.get(key)!;
    let found: string | null = null;
    let c: string | undefined = tip;
    for (let i = 0; c && i < 500; i++) {
      const o = await this.reader.cat.read(c);
      if (!o || o.type !== 'commit') break;
      const commit = parseCommit(o.data);
      const e = await this.reader.entryAt(commit.tree, MANIFEST_PATH);
      if (e?.oid !== blob) break;
      found = c;
      c = commit.parents[0];
    }
    this.introducers.set(key, found);
    return found;
  }

  /**
   * Which manifest is in effect at coordination commit `coordTip`, whose manifest blob is
   * `tipBlob`. Never returns an unapproved manifest once a genesis exists.
   */
  async evaluate(coordTip: string, tipBlob: string): Promise<ChainResult> {
    const tipManifest = await this.manifestAt(tipBlob);
    const tipText = tipManifest?.text ?? (await this.reader.blobText(tipBlob));
    const tipDigest = manifestDigest(tipText);
    const pin = await this.loadPin();
    const names = new Set<string>([...Object.keys(pin?.approvers ?? {}), ...Object.keys(tipManifest?.keys ?? {})]);
    const approvals = await this.approvalsOfAll(names);
    const genesis = await this.findGenesis(approvals, pin);
    if (!genesis) return this.withoutGenesis(coordTip, tipBlob, tipManifest, pin);
    const chain: { link: ChainLink; manifest: LoadedManifest }[] = [genesis];
    const seenApprovers = new Set(names);
    for (let i = 0; i < 1000; i++) {
      const cur = chain[chain.length - 1]!;
      const more = Object.keys(cur.manifest.keys).filter((n) => !seenApprovers.has(n));
      more.forEach((n) => seenApprovers.add(n));
      const pool = more.length ? [...approvals, ...(await this.approvalsOfAll(more))] : approvals;
      if (more.length) approvals.splice(0, approvals.length, ...pool);
      const visited = new Set(chain.map((c) => c.link.digest));
      const next = nextLink(cur.link.digest, cur.manifest.keys, pool, visited);
      if (!next) break;
      const m = await this.manifestAt(next.blob);
      if (!m || m.digest !== next.digest) break;
      chain.push({ link: next, manifest: m });
    }
    const problems: RecordProblem[] = [];
    let effective = chain[chain.length - 1]!;
    if (pin && !chain.some((c) => c.link.digest === pin.head)) {
      const kept = pin.headBlob ? await this.manifestAt(pin.headBlob) : null;
      problems.push({
        code: 'MANIFEST_ROLLBACK',
        session: '*',
        message: `the approvals no longer reach the manifest ${pin.head.slice(0, 12)} that this clone saw approved (approvals were removed or an approver's branch was rewound)${kept ? '; it stays in effect' : ''}`,
      });
      if (kept && kept.digest === pin.head)
        effective = {
          link: { digest: kept.digest, blob: pin.headBlob!, approvedBy: [], at: '', changed: [] },
          manifest: kept,
        };
    }
    const state = await this.stateFor(coordTip, tipBlob, tipDigest, tipManifest, effective, chain, pin, problems);
    await this.savePin(
      {
        genesis: genesis.link.digest,
        approvers: pin?.genesis === genesis.link.digest ? pin.approvers : fingerprints(genesis.manifest.keys),
        head: effective.link.digest,
        headBlob: effective.link.blob,
        pinnedAt: pin?.pinnedAt ?? new Date().toISOString(),
      },
      pin,
    );
    return { plan: effective.manifest.plan, state, problems };
  }

  private async stateFor(
    coordTip: string,
    tipBlob: string,
    tipDigest: string,
    tipManifest: LoadedManifest | null,
    effective: { link: ChainLink; manifest: LoadedManifest },
    chain: readonly { link: ChainLink; manifest: LoadedManifest }[],
    pin: TrustPin | null,
    problems: RecordProblem[],
  ): Promise<ManifestTrustState> {
    const base = {
      effective: effective.link.digest,
      tip: tipDigest,
      chain: chain.map((c) => c.link),
      pinned: pin?.approvers ?? fingerprints(chain[0]!.manifest.keys),
      pinSource: this.explicitPins.length ? ('explicit' as const) : ('tofu' as const),
    };
    if (tipDigest === effective.link.digest) return { ...base, status: 'approved', commit: null, changed: [] };
    const commit = await this.introducer(coordTip, tipBlob);
    const where = `${MANIFEST_PATH} at commit ${(commit ?? coordTip).slice(0, 12)}`;
    const older = chain.findIndex((c) => c.link.digest === tipDigest);
    if (older >= 0) {
      problems.push({
        code: 'MANIFEST_ROLLBACK',
        session: '*',
        path: MANIFEST_PATH,
        message: `${where} is an older approved manifest (${tipDigest.slice(0, 12)}, link ${older + 1} of ${chain.length}): the coordination branch was rewound; the newest approved manifest ${effective.link.digest.slice(0, 12)} stays in effect`,
      });
      return {
        ...base,
        status: 'rollback',
        commit,
        changed: diffManifests(effective.manifest.plan.raw, tipManifest?.plan.raw),
      };
    }
    const changed = tipManifest
      ? diffManifests(effective.manifest.plan.raw, tipManifest.plan.raw)
      : ['(invalid manifest)'];
    const invalid = tipManifest
      ? ''
      : `is not a valid manifest (${this.parseErrors.get(tipBlob) ?? 'unreadable'}) and `;
    problems.push({
      code: 'MANIFEST_UNAPPROVED',
      session: '*',
      path: MANIFEST_PATH,
      message: `${where} ${invalid}changes ${changed.slice(0, 8).join(', ')}${changed.length > 8 ? `, … (${changed.length} keys)` : ''} without an approver's signature; the approved manifest ${effective.link.digest.slice(0, 12)} stays in effect for everything (an approver reviews it with s2 manifest diff and signs it with s2 manifest approve --as APPROVER)`,
    });
    return { ...base, status: 'pending', commit, changed };
  }

  private async findGenesis(
    approvals: readonly ManifestApproval[],
    pin: TrustPin | null,
  ): Promise<{ link: ChainLink; manifest: LoadedManifest } | null> {
    const roots = approvals.filter((a) => a.parent === null && (!pin || a.manifest === pin.genesis));
    const loaded = new Map<string, LoadedManifest | null>();
    for (const a of roots) loaded.set(a.blob, await this.manifestAt(a.blob));
    const candidates = genesisCandidates(roots, (a) => {
      const m = loaded.get(a.blob);
      return m && m.digest === a.manifest ? m.keys : null;
    }).filter((a) => {
      const m = loaded.get(a.blob)!;
      const fp = keyFingerprint(m.keys[a.approver] ?? '');
      if (this.explicitPins.length && !this.explicitPins.includes(fp)) return false;
      return !pin || Object.values(pin.approvers).includes(fp);
    });
    const first = candidates[0];
    if (!first) return null;
    const same = candidates.filter((c) => c.manifest === first.manifest);
    return {
      link: {
        digest: first.manifest,
        blob: first.blob,
        approvedBy: [...new Set(same.map((c) => c.approver))].sort(),
        at: first.at,
        changed: [],
      },
      manifest: loaded.get(first.blob)!,
    };
  }

  /** No genesis to follow: before S² signed manifests (reported), or a genesis that is not the pinned one (refused). */
  private async withoutGenesis(
    coordTip: string,
    tipBlob: string,
    tipManifest: LoadedManifest | null,
    pin: TrustPin | null,
  ): Promise<ChainResult> {
    const kept = pin?.headBlob && !this.explicitPins.length ? await this.manifestAt(pin.headBlob) : null;
    if (pin || this.explicitPins.length) {
      if (!kept || kept.digest !== pin?.head)
        throw new S2Error(
          'MANIFEST_UNTRUSTED',
          pin && !this.explicitPins.length
            ? `no manifest approval signed by the pinned approvers (${Object.values(pin.approvers).join(', ')}) was found, and the last approved manifest is not in this clone; nothing can be trusted. Fetch the approvers' branches (s2/approvals/*) or ask the person who owns the swarm`
            : `no manifest approval signed by the pinned approver keys (${this.explicitPins.join(', ')}) was found; nothing can be trusted`,
        );
      const tipDigest = manifestDigest(tipManifest?.text ?? (await this.reader.blobText(tipBlob)));
      const problems: RecordProblem[] = [
        {
          code: 'MANIFEST_UNTRUSTED',
          session: '*',
          message: `no genesis signed by the pinned approvers is reachable any more; the last approved manifest ${pin!.head.slice(0, 12)} stays in effect`,
        },
      ];
      return {
        plan: kept.plan,
        problems,
        state: {
          status: 'untrusted',
          effective: kept.digest,
          tip: tipDigest,
          commit: tipDigest === kept.digest ? null : await this.introducer(coordTip, tipBlob),
          changed: tipManifest ? diffManifests(kept.plan.raw, tipManifest.plan.raw) : [],
          chain: [],
          pinned: pin!.approvers,
          pinSource: this.explicitPins.length ? 'explicit' : 'tofu',
        },
      };
    }
    if (!tipManifest) {
      // Not a valid manifest and nothing approved: let the parser say what is wrong, with lines.
      parseManifest(await this.reader.blobText(tipBlob));
      throw new S2Error('MANIFEST_INVALID', `${MANIFEST_PATH} is not a valid manifest`);
    }
    return {
      plan: tipManifest.plan,
      problems: [
        {
          code: 'MANIFEST_UNSIGNED',
          session: '*',
          severity: 'warning',
          path: MANIFEST_PATH,
          message: `${MANIFEST_PATH} has no approver's signature (a swarm from before signed manifests): anyone who can push may change budgets, keys and commands. An approver signs it with s2 manifest approve --as APPROVER`,
        },
      ],
      state: {
        status: 'unsigned',
        effective: null,
        tip: tipManifest.digest,
        commit: null,
        changed: [],
        chain: [],
        pinned: {},
        pinSource: 'none',
      },
    };
  }
}

function fingerprints(keys: ApproverKeys): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, pem] of Object.entries(keys)) if (pem) out[id] = keyFingerprint(pem);
  return out;
}
