import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { appendToChain } from '../../src/core/hashChain';
import { parseManifest, SwarmPlan } from '../../src/core/manifest';
import {
  AckRecord,
  CompletionRecord,
  LedgerEntry,
  recordPaths,
  StatusRecord,
  VerificationRecord,
  WitnessEntry,
} from '../../src/core/records';
import { generateKeyPair, signRecord } from '../../src/core/signing';
import { hashObject } from '../../src/git/gitObjects';
import { keyPath } from '../../src/git/keyStore';
import { encodeRecord } from '../../src/git/recordCodec';
import { sealTrailer } from '../../src/core/recordSeal';
import { emptyStatus } from '../../src/git/sessionStore';
import { signInstruction } from '../../src/core/instructionSignature';
import { manifestDigest } from '../../src/core/manifestTrust';
import { git, nowMs, prng } from './util';

/**
 * Builds a real swarm repository with a long history fast. Running the CLI (or even one
 * update-ref per record) 10,000 times takes minutes; instead the records are made in-process
 * with the engine's own signing, hash-chain and YAML code (the bytes SessionStore writes), and
 * streamed into `git fast-import`, which writes one pack. Then `git gc` once: the reads are
 * measured on a maintained (packed) repository, as RECIPES.md advises.
 *
 * Layout, as S² writes it: `main` holds `.s2/swarm.yaml` and the instructions;
 * `s2/work/<id>` has one commit per completed phase; `s2/sessions/<id>` holds the session's
 * signed records, one commit per status update (mostly heartbeats), with completions,
 * verifications of the previous session's phases, an ack, declared blocks, ledger and
 * witness entries spread over its history. Every record is valid and signed: a read of the
 * result must report no problem.
 */
export interface SwarmSpec {
  readonly sessions: number;
  /** Status commits over all session branches (each session gets its share). */
  readonly totalCommits: number;
  readonly phases?: number;
  readonly swarm?: string;
  readonly seed?: number;
  readonly polling?: Readonly<Record<string, number>>;
  /** Sessions whose heartbeat is 2 h old (stale), 1 in `staleEvery`; 0 for none. */
  readonly staleEvery?: number;
  /** Skip `git gc` (leaves one fast-import pack; loose-free either way). */
  readonly noGc?: boolean;
}

export interface GeneratedSwarm {
  readonly dir: string;
  readonly home: string;
  readonly swarm: string;
  readonly ids: readonly string[];
  readonly plan: SwarmPlan;
  /** Final status seq per session (= its number of status commits). */
  readonly statusSeq: Readonly<Record<string, number>>;
  readonly completed: Readonly<Record<string, number>>;
  readonly sessionCommits: number;
  readonly records: number;
  readonly generateMs: number;
  readonly importMs: number;
  readonly gcMs: number;
}

const AUTHOR = (branch: string): string => `S2 <${branch.replace(/\//g, '.')}@s2>`;

function data(text: string | Buffer): string {
  const b = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return `data ${b.length}\n${b.toString('utf8')}\n`;
}

export function sessionIds(n: number): string[] {
  const w = Math.max(2, String(n).length);
  return Array.from({ length: n }, (_, i) => `s${String(i + 1).padStart(w, '0')}`);
}

/** The manifest: N sessions × `phases`; every third session's phases need the next session's previous phase. */
export function manifestObject(
  swarm: string,
  ids: readonly string[],
  phases: number,
  polling: Readonly<Record<string, number>>,
  keys?: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const sessions: Record<string, unknown> = {};
  ids.forEach((id, i) => {
    const ph: Record<string, unknown> = {};
    if (ids.length > 1 && i % 3 === 0)
      for (let p = 2; p <= phases; p++) ph[String(p)] = { needs: [`${ids[(i + 1) % ids.length]}:${p - 1}`] };
    sessions[id] = {
      title: `Session ${id}`,
      expertise: [`area-${i % 5}`],
      budgetUsd: 40,
      maxAgents: 7,
      phaseCount: phases,
      ...(Object.keys(ph).length ? { phases: ph } : {}),
      ...(keys?.get(id) ? { publicKey: keys.get(id) } : {}),
    };
  });
  return {
    swarm,
    polling: { intervalSeconds: 30, heartbeatSeconds: 60, jitter: 0.2, probeSeconds: 5, ...polling },
    policy: { crossSessionVerification: 'required' },
    approvers: {
      owner: { title: 'owner', ...(keys?.get('approver-owner') ? { publicKey: keys.get('approver-owner') } : {}) },
    },
    sessions,
  };
}

interface Plan {
  readonly id: string;
  readonly completed: number;
  readonly blocked: string | null;
  readonly stale: boolean;
  readonly commits: number;
}

export async function generateSwarm(dir: string, home: string, spec: SwarmSpec): Promise<GeneratedSwarm> {
  const t0 = nowMs();
  const n = spec.sessions;
  const phases = spec.phases ?? 10;
  const swarm = spec.swarm ?? `bench-${n}`;
  const rnd = prng(spec.seed ?? 42 + n);
  const ids = sessionIds(n);
  const staleEvery = spec.staleEvery ?? 20;

  // Keys: private ones where `s2` looks for them (S2_HOME), public ones into the manifest.
  const priv = new Map<string, string>();
  const pub = new Map<string, string>();
  for (const id of [...ids, 'approver-owner']) {
    const k = generateKeyPair();
    priv.set(id, k.privateKey);
    pub.set(id, k.publicKey);
    const file = keyPath(swarm, id, { S2_HOME: home });
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, k.privateKey, { mode: 0o600 });
  }
  const manifestText = stringify(manifestObject(swarm, ids, phases, spec.polling ?? {}, pub), { lineWidth: 0 });
  const plan = parseManifest(manifestText);

  const plans: Plan[] = ids.map((id, i) => ({
    id,
    completed: Math.floor(rnd() * phases), // 0 … phases-1: nobody is done, every session has an open phase
    blocked: n > 2 && i % 9 === 4 ? `${ids[(i + 2) % n]}:${phases}` : null,
    stale: staleEvery > 0 && i % staleEvery === staleEvery - 1,
    commits: Math.floor(spec.totalCommits / n) + (i < spec.totalCommits % n ? 1 : 0),
  }));

  // Pass 1: main (manifest, instructions) and the work branches, whose commit ids the records name.
  mkdirSync(dir, { recursive: true });
  await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['config', 'gc.auto', '0']);
  const instruction = (id: string, p: number): string =>
    `---\nid: ${id}-p${p}\ntitle: Phase ${p} of ${id}\n---\nDo phase ${p} of ${id}: implement, test, complete with s2 complete-phase ${p}.\n`;
  const epoch = Math.floor(Date.now() / 1000);
  const s1: string[] = [];
  s1.push(
    'commit refs/heads/main\nmark :1\n',
    `author bench <bench@s2> ${epoch - 86400} +0000\ncommitter bench <bench@s2> ${epoch - 86400} +0000\n`,
    data('s2: manifest\n'),
  );
  s1.push('M 100644 inline README.md\n', data('# product\n'), 'M 100644 inline .s2/swarm.yaml\n', data(manifestText));
  // Instructions count only when an approver signed them, and the manifest only with its genesis approval (docs/TRUST.md).
  const owner = priv.get('approver-owner')!;
  for (const p of plans)
    if (p.completed < phases)
      s1.push(
        `M 100644 inline .s2/instructions/${p.id}/phase-${p.completed + 1}.md\n`,
        data(signInstruction(instruction(p.id, p.completed + 1), p.id, p.completed + 1, 'owner', owner)),
      );
  const genesis = signRecord(
    appendToChain([], {
      kind: 'manifest-approval',
      approver: 'owner',
      at: new Date((epoch - 86400) * 1000).toISOString(),
      manifest: manifestDigest(manifestText),
      blob: hashObject('blob', Buffer.from(manifestText, 'utf8')),
      parent: null,
      changed: [],
    }) as unknown as Record<string, unknown>,
    'owner',
    owner,
  );
  s1.push(
    'commit refs/heads/s2/approvals/owner\n',
    `author bench <bench@s2> ${epoch - 86400} +0000\ncommitter bench <bench@s2> ${epoch - 86400} +0000\n`,
    data('approve manifest (genesis)\n'),
    'M 100644 inline .s2/approvals/owner/manifests.jsonl\n',
    data(`${JSON.stringify(genesis)}\n`),
  );
  let mark = 2;
  const workMarks = new Map<string, number[]>();
  for (const p of plans) {
    const marks: number[] = [];
    if (p.completed === 0) s1.push(`reset refs/heads/s2/work/${p.id}\nfrom :1\n\n`);
    for (let k = 1; k <= p.completed; k++) {
      const t = epoch - 86400 + k * 600;
      s1.push(
        `commit refs/heads/s2/work/${p.id}\nmark :${mark}\nauthor agent <${p.id}@agents> ${t} +0000\ncommitter agent <${p.id}@agents> ${t} +0000\n`,
        data(`phase ${k} of ${p.id}\n`),
        ...(k === 1 ? ['from :1\n'] : []),
        `M 100644 inline work/${p.id}.txt\n`,
        data(`${p.id} phase ${k}\n`.repeat(k)),
      );
      marks.push(mark++);
    }
    workMarks.set(p.id, marks);
  }
  s1.push('done\n');
  const marksFile = path.join(dir, '.git', 'bench-marks');
  const ti = nowMs();
  await git(dir, ['fast-import', '--quiet', '--done', `--export-marks=${marksFile}`], { input: s1.join('') });
  let importMs = nowMs() - ti;
  const byMark = new Map<number, string>();
  for (const line of readFileSync(marksFile, 'utf8').split('\n')) {
    const m = /^:(\d+) ([0-9a-f]{40})$/.exec(line);
    if (m) byMark.set(Number(m[1]), m[2]!);
  }
  const workCommit = (id: string, k: number): string => byMark.get(workMarks.get(id)![k - 1]!)!;
  const mainCommit = byMark.get(1)!;

  // Pass 2: every session's records branch, one status commit after another.
  const s2: string[] = [];
  const statusSeq: Record<string, number> = {};
  const completed: Record<string, number> = {};
  let records = 0;
  let sessionCommits = 0;
  const iso = (t: number): string => new Date(t * 1000).toISOString();
  plans.forEach((p, i) => {
    const key = priv.get(p.id)!;
    const sign = <T extends Record<string, unknown>>(r: T): T => signRecord(r, p.id, key) as T;
    const prev = plans[(i - 1 + n) % n]!;
    type Ev = { kind: 'complete'; k: number } | { kind: 'verify'; k: number } | { kind: 'ack' } | { kind: 'block' };
    const events: Ev[] = [];
    for (let k = 1; k <= Math.max(p.completed, n > 1 ? prev.completed : 0); k++) {
      if (k <= p.completed) events.push({ kind: 'complete', k });
      if (n > 1 && k <= prev.completed) events.push({ kind: 'verify', k });
    }
    if (p.completed < phases) events.push({ kind: 'ack' });
    if (p.blocked) events.push({ kind: 'block' });
    const h = Math.max(1, p.commits);
    const at = new Map<number, Ev[]>();
    events.forEach((e, j) => {
      const idx = Math.min(h - 1, Math.floor(((j + 1) * h) / (events.length + 1)));
      (at.get(idx) ?? at.set(idx, []).get(idx)!).push(e);
    });
    const tEnd = p.stale ? epoch - 7200 : epoch - (i % 7) * 10;
    let status: StatusRecord = emptyStatus(p.id, '');
    const witness: WitnessEntry[] = [];
    const ledger: LedgerEntry[] = [];
    const branch = `s2/sessions/${p.id}`;
    for (let j = 0; j < h; j++) {
      const t = tEnd - (h - 1 - j) * 60;
      const when = iso(t);
      const files: [string, string][] = [];
      let message = 'heartbeat';
      const append = <E extends { seq: number; prev: string; hash: string }>(
        list: E[],
        content: Record<string, unknown>,
      ): string => {
        list.push(sign(appendToChain(list, content)) as unknown as E);
        records++;
        return list.map((e) => JSON.stringify(e)).join('\n') + '\n';
      };
      let next: StatusRecord = {
        ...status,
        heartbeatAt: when,
        phase: Math.max(status.phase, 1),
        state: status.state === 'idle' ? 'working' : status.state,
        phaseStartedAt: status.phaseStartedAt ?? when,
      };
      for (const e of at.get(j) ?? []) {
        if (e.kind === 'complete') {
          const rec: Omit<CompletionRecord, 'signature'> = {
            kind: 'completion',
            session: p.id,
            phase: e.k,
            commit: workCommit(p.id, e.k),
            completedAt: when,
            validations: [
              {
                command: 'npm test',
                exitCode: 0,
                durationMs: 1200 + e.k,
                outputTail: `${40 + e.k} passing`,
                timedOut: false,
              },
            ],
          };
          files.push([recordPaths.phase(p.id, e.k), encodeRecord(sign(rec))]);
          files.push([
            recordPaths.witness(p.id),
            append(witness, {
              kind: 'witness',
              session: p.id,
              at: when,
              action: 'complete-phase',
              detail: String(e.k),
            }),
          ]);
          files.push([
            recordPaths.ledger(p.id),
            append(ledger, {
              kind: 'spend',
              session: p.id,
              at: when,
              usd: Math.round((0.5 + rnd() * 2) * 100) / 100,
              model: 'claude-sonnet',
              note: `phase ${e.k}`,
              source: 'manual',
            }),
          ]);
          next = { ...next, phase: Math.min(e.k + 1, phases), state: 'working', phaseStartedAt: when };
          message = `complete phase ${e.k}`;
        } else if (e.kind === 'verify') {
          const rec: Omit<VerificationRecord, 'signature'> = {
            kind: 'verification',
            verifier: p.id,
            target: prev.id,
            phase: e.k,
            completionCommit: workCommit(prev.id, e.k),
            verifierCommit: p.completed ? workCommit(p.id, p.completed) : mainCommit,
            result: 'pass',
            at: when,
            commands: [{ command: 'npm test', exitCode: 0, durationMs: 900, outputTail: 'ok', timedOut: false }],
            detail: '',
          };
          files.push([recordPaths.verification(p.id, prev.id, e.k), encodeRecord(sign(rec))]);
          files.push([
            recordPaths.witness(p.id),
            append(witness, {
              kind: 'witness',
              session: p.id,
              at: when,
              action: 'verify',
              detail: `${prev.id}:${e.k} pass`,
            }),
          ]);
          message = `verify ${prev.id}:${e.k}: pass`;
        } else if (e.kind === 'ack') {
          const idd = `${p.id}-p${p.completed + 1}`;
          const rec: Omit<AckRecord, 'signature'> = {
            kind: 'ack',
            session: p.id,
            instruction: idd,
            blob: hashObject('blob', Buffer.from(instruction(p.id, p.completed + 1))),
            at: when,
            outcome: 'started',
            detail: `phase ${p.completed + 1}`,
          };
          files.push([recordPaths.ack(p.id, idd), encodeRecord(sign(rec))]);
          files.push([
            recordPaths.witness(p.id),
            append(witness, { kind: 'witness', session: p.id, at: when, action: 'ack', detail: `${idd} started` }),
          ]);
          message = `ack ${idd}: started`;
        } else {
          next = {
            ...next,
            state: 'blocked',
            blockedOn: [{ on: p.blocked!, reason: 'waiting for the interface', since: when }],
          };
          files.push([
            recordPaths.witness(p.id),
            append(witness, {
              kind: 'witness',
              session: p.id,
              at: when,
              action: 'block',
              detail: `${p.blocked}: waiting for the interface`,
            }),
          ]);
          message = `blocked on ${p.blocked}`;
        }
      }
      status = { ...next, seq: status.seq + 1, updatedAt: when };
      const { signature: _s, ...unsigned } = status;
      status = sign(unsigned as StatusRecord);
      records++;
      // Later writers keep the newest file content: dedupe paths (witness may appear twice in one commit).
      const byPath = new Map<string, string>([[recordPaths.status(p.id), encodeRecord(status)], ...files]);
      s2.push(
        `commit refs/heads/${branch}\nauthor ${AUTHOR(branch)} ${t} +0000\ncommitter ${AUTHOR(branch)} ${t} +0000\n`,
        data(`${message}\n\ns2-session: ${p.id}\n`),
      );
      for (const [f, text] of byPath) s2.push(`M 100644 inline ${f}\n`, data(text));
      s2.push('\n');
      sessionCommits++;
    }
    statusSeq[p.id] = status.seq;
    completed[p.id] = p.completed;
  });
  s2.push('done\n');
  const generateMs = nowMs() - t0 - importMs;
  const ti2 = nowMs();
  await git(dir, ['fast-import', '--quiet', '--done'], { input: s2.join('') });
  await sealTips(dir, priv, epoch);
  importMs += nowMs() - ti2;
  const tg = nowMs();
  if (!spec.noGc) await git(dir, ['gc', '-q']);
  else await git(dir, ['pack-refs', '--all']);
  const gcMs = nowMs() - tg;
  await git(dir, ['reset', '-q', '--hard', 'main']);
  return { dir, home, swarm, ids, plan, statusSeq, completed, sessionCommits, records, generateMs, importMs, gcMs };
}

/**
 * Seal every session branch as its owner's writer does (docs/TRUST.md, "Seals"): one more
 * commit on each tip, same tree, whose message carries the owner's seal over that tree and
 * its parent. Readers stop at the first commit the owner sealed, so sealing the tip is what
 * a real branch — every commit sealed — costs a reader. One for-each-ref and one fast-import.
 */
async function sealTips(dir: string, priv: ReadonlyMap<string, string>, epoch: number): Promise<void> {
  const refs = await git(dir, ['for-each-ref', '--format=%(refname) %(objectname) %(tree)', 'refs/heads/s2/sessions/']);
  const out: string[] = [];
  for (const line of refs.stdout.split('\n').filter(Boolean)) {
    const [ref, tip, tree] = line.split(' ') as [string, string, string];
    const id = ref.slice('refs/heads/s2/sessions/'.length);
    const seal = sealTrailer({ session: id, tree, parents: [tip], seq: 1 }, priv.get(id)!);
    const who = `${AUTHOR(`s2/sessions/${id}`)} ${epoch} +0000`;
    out.push(`commit ${ref}\nauthor ${who}\ncommitter ${who}\n`, data(`heartbeat\n\ns2-session: ${id}\n${seal}\n`));
    out.push(`from ${tip}\n\n`);
  }
  out.push('done\n');
  await git(dir, ['fast-import', '--quiet', '--done'], { input: out.join('') });
}
