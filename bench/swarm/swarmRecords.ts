import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';

/**
 * Every session's records as the run left them, read straight from git (the audit reads the
 * same objects the engine does, without going through it): completions, adopted
 * completions, verifications, acknowledgements, the ledger and the witness log.
 */
export interface Completion {
  readonly session: string;
  readonly forSession: string;
  readonly phase: number;
  readonly commit: string;
  readonly at: number;
}
export interface Verification {
  readonly verifier: string;
  readonly target: string;
  readonly phase: number;
  readonly result: string;
  readonly completionCommit: string;
  readonly at: number;
}
export interface Ack {
  readonly session: string;
  readonly instruction: string;
  readonly outcome: string;
  readonly at: number;
}
export interface Witness {
  readonly session: string;
  readonly action: string;
  readonly detail: string;
  readonly at: number;
}
export interface Spend {
  readonly session: string;
  readonly usd: number;
  readonly note: string;
  readonly at: number;
}

export interface SwarmRecords {
  readonly completions: readonly Completion[];
  /** Every verification ever written (from the history of each verification file), not only the latest. */
  readonly verifications: readonly Verification[];
  readonly acks: readonly Ack[];
  readonly witness: readonly Witness[];
  readonly ledger: readonly Spend[];
  readonly approvals: number;
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return '';
  }
}

const time = (s: unknown): number => Date.parse(String(s));

function files(cwd: string, ref: string, dir: string): string[] {
  return git(cwd, ['ls-tree', '-r', '--name-only', ref, '--', dir]).split('\n').filter(Boolean);
}

function yamlAt(cwd: string, rev: string, file: string): Record<string, unknown> {
  return (parse(git(cwd, ['show', `${rev}:${file}`])) ?? {}) as Record<string, unknown>;
}

function jsonl(cwd: string, ref: string, file: string): Record<string, unknown>[] {
  return git(cwd, ['show', `${ref}:${file}`])
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function collectRecords(cwd: string, sessions: readonly string[], prefix: string): SwarmRecords {
  const completions: Completion[] = [];
  const verifications: Verification[] = [];
  const acks: Ack[] = [];
  const witness: Witness[] = [];
  const ledger: Spend[] = [];
  for (const s of sessions) {
    const ref = `${prefix}s2/sessions/${s}`;
    const root = `.s2/sessions/${s}`;
    for (const f of [...files(cwd, ref, `${root}/phases`), ...files(cwd, ref, `${root}/adopted`)]) {
      const c = yamlAt(cwd, ref, f);
      completions.push({
        session: s,
        forSession: String(c['forSession'] ?? s),
        phase: Number(c['phase']),
        commit: String(c['commit']),
        at: time(c['completedAt']),
      });
    }
    for (const f of files(cwd, ref, `${root}/verifications`)) {
      // Each version of the file in the branch's history is one verification.
      const revs = git(cwd, ['log', '--format=%H', ref, '--', f]).split('\n').filter(Boolean);
      for (const rev of revs) {
        const v = yamlAt(cwd, rev, f);
        if (!v['verifier']) continue;
        verifications.push({
          verifier: String(v['verifier']),
          target: String(v['target']),
          phase: Number(v['phase']),
          result: String(v['result']),
          completionCommit: String(v['completionCommit']),
          at: time(v['at']),
        });
      }
    }
    for (const f of files(cwd, ref, `${root}/acks`)) {
      const a = yamlAt(cwd, ref, f);
      acks.push({
        session: s,
        instruction: String(a['instruction']),
        outcome: String(a['outcome']),
        at: time(a['at']),
      });
    }
    for (const w of jsonl(cwd, ref, `${root}/witness.jsonl`))
      witness.push({ session: s, action: String(w['action']), detail: String(w['detail'] ?? ''), at: time(w['at']) });
    for (const e of jsonl(cwd, ref, `${root}/ledger.jsonl`))
      ledger.push({ session: s, usd: Number(e['usd']), note: String(e['note'] ?? ''), at: time(e['at']) });
  }
  const approvalRefs = git(cwd, [
    'for-each-ref',
    '--format=%(refname)',
    `refs/${prefix ? 'remotes/origin' : 'heads'}/s2/approvals/`,
  ])
    .split('\n')
    .filter(Boolean);
  let approvals = 0;
  for (const r of approvalRefs) {
    const a = r.split('/').pop()!;
    approvals += jsonl(cwd, r, `.s2/approvals/${a}/approvals.jsonl`).length;
  }
  return { completions, verifications, acks, witness, ledger, approvals };
}
