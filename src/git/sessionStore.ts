/**
 * One session's writes: every change is signed with the session's key, bumps the status's
 * fencing token (seq) when the status changes, and appends a hash-chained witness entry
 * for every meaningful action (heartbeats are not witnessed, they only move the lease).
 */
import { appendChained } from './chainedLog';
import {
  AckRecord,
  CompletionRecord,
  LedgerEntry,
  recordPaths,
  sessionBranch,
  StatusRecord,
  VerificationRecord,
  WitnessEntry,
} from '../core/records';
import { createPublicKey } from 'node:crypto';
import { S2Error } from '../core/errors';
import { signRecord, verifyRecord } from '../core/signing';
import { encodeRecord, parseRecordText } from './recordCodec';
import { FileChange, RecordWriter, SealSigner, WriteResult } from './recordWriter';

export interface WitnessNote {
  readonly action: string;
  readonly detail: string;
}

export interface StoreChange {
  readonly status?: (s: StatusRecord) => StatusRecord;
  readonly records?: Readonly<Record<string, Record<string, unknown>>>;
  readonly ledger?: Omit<LedgerEntry, 'seq' | 'prev' | 'hash' | 'signature'>;
  /** One witnessed action, or several in order (slots a journal counted, committed at once). */
  readonly witness?: WitnessNote | readonly WitnessNote[];
  readonly message: string;
}

export function emptyStatus(session: string, now: string): StatusRecord {
  return {
    kind: 'status',
    session,
    seq: 0,
    updatedAt: now,
    heartbeatAt: now,
    state: 'idle',
    phase: 0,
    phaseStartedAt: null,
    blockedOn: [],
    helping: null,
    wantsHelp: false,
    adopted: [],
    attempts: {},
    agents: { running: [] },
  };
}

export class SessionStore {
  constructor(
    private readonly writer: RecordWriter,
    readonly session: string,
    private readonly privateKey: string,
    private readonly now: () => Date = () => new Date(),
    /** Refuse to build on a status this key did not sign (off only for test tools that forge). */
    private readonly verifyOwn = true,
  ) {}

  private sign<T extends Record<string, unknown>>(r: T): T {
    const { signature: _drop, ...rest } = r as T & { signature?: unknown };
    return signRecord(rest as T, this.session, this.privateKey);
  }

  /** Reads the current status out of the branch's files (our own records: trusted as written). */
  static statusOf(files: ReadonlyMap<string, string>, session: string, now: string): StatusRecord {
    const text = files.get(recordPaths.status(session));
    if (!text) return emptyStatus(session, now);
    const parsed = StatusRecord.safeParse(parseRecordText(text, recordPaths.status(session)));
    return parsed.success ? parsed.data : emptyStatus(session, now);
  }

  async commit(
    change: StoreChange | ((files: ReadonlyMap<string, string>) => StoreChange | null),
  ): Promise<WriteResult | null> {
    const s = this.session;
    this.publicKey ??= createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const seal: SealSigner = {
      session: s,
      privateKey: this.privateKey,
      publicKey: this.publicKey,
      repair: this.verifyOwn,
    };
    return this.writer.write(
      sessionBranch(s),
      recordPaths.root(s),
      (files) => {
        const c = typeof change === 'function' ? change(files) : change;
        if (!c) return null;
        const at = this.now().toISOString();
        const out: Record<string, string | null> = {};
        if (this.verifyOwn) this.checkOwnStatus(files);
        if (c.status) {
          const before = SessionStore.statusOf(files, s, at);
          const next = withSilence(before, c.status({ ...before }), this.silenceAfterSeconds);
          out[recordPaths.status(s)] = encodeRecord(
            this.sign({ ...next, kind: 'status', session: s, seq: before.seq + 1, updatedAt: at }),
          );
        }
        for (const [p, rec] of Object.entries(c.records ?? {})) out[p] = encodeRecord(this.sign(rec));
        if (c.ledger) out[recordPaths.ledger(s)] = this.appendLine<LedgerEntry>(files, recordPaths.ledger(s), c.ledger);
        const notes: readonly WitnessNote[] = !c.witness ? [] : 'action' in c.witness ? [c.witness] : c.witness;
        let log = files.get(recordPaths.witness(s)) ?? '';
        for (const w of notes)
          log = appendChained<WitnessEntry>(
            log,
            recordPaths.witness(s),
            { kind: 'witness', session: s, at, action: w.action, detail: w.detail },
            (e) => this.sign(e),
          ).text;
        if (notes.length) out[recordPaths.witness(s)] = log;
        const fc: FileChange = { files: out, message: `${c.message}\n\ns2-session: ${s}` };
        return fc;
      },
      seal,
    );
  }

  /** Never build on (and re-sign) a status this session did not sign: someone wrote to our branch. */
  private checkOwnStatus(files: ReadonlyMap<string, string>): void {
    const text = files.get(recordPaths.status(this.session));
    if (!text) return;
    this.publicKey ??= createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const raw = parseRecordText(text, recordPaths.status(this.session)) as Record<string, unknown>;
    if (!verifyRecord(raw, this.publicKey))
      throw new S2Error(
        'REFUSED',
        `${recordPaths.status(this.session)} on ${this.session}'s branch is not signed by ${this.session} (BAD_SIGNATURE): someone wrote to this session's branch; nothing was written. Check it with s2 validate.`,
      );
  }

  private publicKey: string | undefined;

  /**
   * A heartbeat gap longer than this (the swarm's lease, set from the plan by whoever opens the
   * store) is recorded in the status's `silences`: the owner's own word that it was silent then,
   * which is what makes an adoption made meanwhile checkable once it is back (claimChecks.ts).
   */
  silenceAfterSeconds: number | null = null;

  private appendLine<T>(files: ReadonlyMap<string, string>, path: string, content: Record<string, unknown>): string {
    return appendChained<T>(files.get(path) ?? '', path, content, (e) => this.sign(e)).text;
  }

  heartbeat(): Promise<WriteResult | null> {
    const at = this.now().toISOString();
    return this.commit({ status: (st) => ({ ...st, heartbeatAt: at }), message: 'heartbeat' });
  }

  writeCompletion(
    rec: Omit<CompletionRecord, 'signature'>,
    status: (s: StatusRecord) => StatusRecord,
  ): Promise<WriteResult | null> {
    const path = rec.forSession
      ? recordPaths.adopted(this.session, rec.forSession, rec.phase)
      : recordPaths.phase(this.session, rec.phase);
    return this.commit({
      status,
      records: { [path]: rec },
      witness: {
        // A superseding completion is not a repeat: the witness log tells the two apart.
        action: rec.supersedes?.length ? 'supersede-phase' : 'complete-phase',
        detail: rec.forSession ? `${rec.forSession}:${rec.phase}` : String(rec.phase),
      },
      message: `${rec.supersedes?.length ? 'supersede' : 'complete'} phase ${rec.forSession ? `${rec.forSession}:` : ''}${rec.phase}`,
    });
  }

  writeVerification(rec: Omit<VerificationRecord, 'signature'>): Promise<WriteResult | null> {
    return this.commit({
      status: (st) => ({ ...st, heartbeatAt: rec.at }), // verifying is a sign of life
      records: { [recordPaths.verification(this.session, rec.target, rec.phase)]: rec },
      witness: { action: 'verify', detail: `${rec.target}:${rec.phase} ${rec.result}` },
      message: `verify ${rec.target}:${rec.phase}: ${rec.result}`,
    });
  }

  writeAck(rec: Omit<AckRecord, 'signature'>): Promise<WriteResult | null> {
    return this.commit({
      records: { [recordPaths.ack(this.session, rec.instruction)]: rec },
      witness: { action: 'ack', detail: `${rec.instruction} ${rec.outcome}` },
      message: `ack ${rec.instruction}: ${rec.outcome}`,
    });
  }
}

/** `next` with the gap since `before`'s heartbeat recorded when it exceeds the lease (the last 8 kept). */
function withSilence(before: StatusRecord, next: StatusRecord, lease: number | null): StatusRecord {
  if (lease === null || before.seq === 0 || next.heartbeatAt === before.heartbeatAt) return next;
  const gap = (Date.parse(next.heartbeatAt) - Date.parse(before.heartbeatAt)) / 1000;
  if (!(gap > lease)) return next;
  return {
    ...next,
    silences: [...(next.silences ?? []), { from: before.heartbeatAt, to: next.heartbeatAt }].slice(-8),
  };
}
