import { execFileSync } from 'node:child_process';
import { firstChainBreak, Chained } from '../../src/core/hashChain';
import type { SwarmView } from '../../src/core/viewTypes';
import { git } from '../helpers/gitFixture';
import type { RunContext } from './context';
import type { Expectations } from './types';

/**
 * The audit after a scenario: nothing a session was told it wrote may be gone. Every
 * acknowledged records tip must still be reachable from the session's branch (its own
 * clone's, and — unless the scenario rewrote it on purpose — the published one); every
 * ledger and witness chain must be whole; the ledger must hold exactly the spends that were
 * acknowledged; and every violation must appear exactly once in the final view.
 */
export interface AuditResult {
  readonly acked: number;
  /** Acknowledged writes no longer reachable from the writer's own branch, plus missing ledger lines. */
  readonly lost: number;
  /** Acknowledged writes not on the published branch (only sessions the scenario rewrote may have them). */
  readonly unpublished: number;
  readonly chainBreaks: number;
  /** Commits on the session branches, counted afterwards. */
  readonly commits: number;
  /** Ledger and witness entries, counted afterwards. */
  readonly entries: number;
  readonly duplicates: readonly string[];
  readonly problems: readonly string[];
}

function ancestors(cwd: string, tip: string): Set<string> {
  return new Set(
    execFileSync('git', ['rev-list', tip], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
      .split('\n')
      .filter(Boolean),
  );
}

function tipIn(cwd: string, ref: string): string | null {
  try {
    return git(cwd, 'rev-parse', '-q', '--verify', ref) || null;
  } catch {
    return null;
  }
}

function fileAt(cwd: string, tip: string, file: string): string {
  try {
    return execFileSync('git', ['show', `${tip}:${file}`], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return '';
  }
}

export function auditSwarm(ctx: RunContext, finalView: SwarmView, expect: Expectations): AuditResult {
  const f = ctx.f;
  const published = f.bare ?? f.coord;
  const problems: string[] = [];
  let acked = 0;
  let lost = 0;
  let unpublished = 0;
  let chainBreaks = 0;
  let commits = 0;
  let entries = 0;
  for (const s of f.sessions) {
    const ref = `refs/heads/s2/sessions/${s}`;
    const mine = ctx.acked.get(s) ?? new Set<string>();
    acked += mine.size;
    const localTip = tipIn(f.dir(s), ref);
    const localSet = localTip ? ancestors(f.dir(s), localTip) : new Set<string>();
    const gone = [...mine].filter((t) => !localSet.has(t));
    if (gone.length)
      problems.push(
        `${s}: ${gone.length} acknowledged write(s) no longer on its own branch (${gone.map((g) => g.slice(0, 10)).join(', ')})`,
      );
    lost += gone.length;
    const pubTip = tipIn(published, ref);
    const pubSet = pubTip ? ancestors(published, pubTip) : new Set<string>();
    const notOut = [...mine].filter((t) => !pubSet.has(t));
    if (notOut.length && !(expect.rewritten ?? []).includes(s)) {
      unpublished += notOut.length;
      problems.push(`${s}: ${notOut.length} acknowledged write(s) missing from the published branch`);
    }
    const readTip = (expect.rewritten ?? []).includes(s) ? localTip : pubTip;
    const readIn = (expect.rewritten ?? []).includes(s) ? f.dir(s) : published;
    if (!readTip) continue;
    for (const file of ['ledger.jsonl', 'witness.jsonl']) {
      const path = `.s2/sessions/${s}/${file}`;
      const lines = fileAt(readIn, readTip, path)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Chained & Record<string, unknown>);
      entries += lines.length;
      const broken = firstChainBreak(lines);
      if (broken >= 0 && !(expect.auditExempt ?? []).includes('CHAIN_BROKEN')) {
        chainBreaks++;
        problems.push(`${s}: ${file} chain breaks at entry ${broken + 1}`);
      }
      const touching = Number(git(readIn, 'rev-list', '--count', readTip, '--', path));
      if (touching !== lines.length && !(expect.auditExempt ?? []).includes('CHAIN_BROKEN'))
        problems.push(`${s}: ${file} has ${lines.length} entries but ${touching} commits appended to it`);
      if (file === 'ledger.jsonl') {
        const want = ctx.tally.spends[s] ?? 0;
        if (lines.length < want) {
          lost += want - lines.length;
          problems.push(`${s}: ${want} spends acknowledged, ${lines.length} in the ledger`);
        }
        const usd = Math.round(lines.reduce((n, e) => n + Number(e['usd'] ?? 0), 0) * 100) / 100;
        const shown = finalView.sessions.find((x) => x.id === s)?.spendUsd;
        if (
          !(expect.rewritten ?? []).includes(s) &&
          shown !== undefined &&
          Math.abs(shown - usd) > 0.001 &&
          !(expect.auditExempt ?? []).includes('BAD_SIGNATURE')
        )
          problems.push(`${s}: the view shows $${shown}, the ledger holds $${usd}`);
      }
    }
    commits += Number(git(readIn, 'rev-list', '--count', readTip));
  }
  const counts = new Map<string, number>();
  for (const v of finalView.violations) {
    const k = `${v.code}|${v.session}|${v.ref ?? ''}|${v.path ?? ''}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k.replace(/\|+$/, '')} ×${n}`);
  return { acked, lost, unpublished, chainBreaks, commits, entries, duplicates, problems };
}
