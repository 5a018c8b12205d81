/**
 * Where a session branch's owner last sealed it. Walks first parents from the tip until a
 * commit whose seal verifies under the owner's key. Commits on the way were not produced by
 * the owner (`foreign`). A branch with no seal anywhere and no bad seal is `legacy` (written
 * before seals existed): it is read as it is, record by record, as before.
 */
import { parseSeal, verifySeal } from '../core/recordSeal';
import type { GitObject } from './catFile';
import { parseCommit } from './gitObjects';

export interface SealState {
  /** The newest commit sealed by the owner, or null. */
  readonly sealed: string | null;
  readonly seq: number;
  /** Commits from the tip down to (not including) `sealed`, newest first. */
  readonly foreign: readonly string[];
  /** No commit of the branch (within the walk) carries a seal: a branch from before seals. */
  readonly legacy: boolean;
  /** An object on the way could not be read (missing, or not a commit). */
  readonly unreadable: string | null;
}

/** How far back a reader looks for the owner's seal before it gives up (a bound on a rogue's padding). */
export const MAX_SEAL_WALK = 10_000;

/** Where commits come from: a cat-file process, or a reader that caches them. */
export interface CommitSource {
  read(name: string): Promise<GitObject | null>;
}

export async function lastSealed(
  cat: CommitSource,
  tip: string,
  session: string,
  publicKey: string | undefined,
  maxWalk = MAX_SEAL_WALK,
): Promise<SealState> {
  const foreign: string[] = [];
  let sawSeal = false;
  let c: string | undefined = tip;
  for (let i = 0; c && i < maxWalk; i++) {
    const o = await cat.read(c);
    if (!o || o.type !== 'commit') return { sealed: null, seq: 0, foreign, legacy: false, unreadable: c };
    const commit = parseCommit(o.data);
    const seal = parseSeal(commit.message);
    if (seal) {
      sawSeal = true;
      if (verifySeal({ session, tree: commit.tree, parents: commit.parents, seq: seal.seq }, seal.sig, publicKey))
        return { sealed: c, seq: seal.seq, foreign, legacy: false, unreadable: null };
    }
    foreign.push(c);
    c = commit.parents[0];
  }
  return { sealed: null, seq: 0, foreign, legacy: !sawSeal && !c, unreadable: null };
}
