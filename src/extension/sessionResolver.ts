/**
 * Which session a workspace belongs to. In order: the one picked with "S2: Select Session"
 * for this workspace, the `s2.session` setting, `S2_SESSION` in the environment, and the
 * session whose work branch is checked out here (a session's worktree is on its branch).
 * Pure, so it is tested without VS Code.
 */
export interface SessionCandidate {
  readonly source: 'picked' | 'setting' | 'environment' | 'branch';
  readonly id: string | null | undefined;
}

export interface ResolvedSession {
  readonly id: string;
  readonly source: SessionCandidate['source'];
}

export interface SessionResolution {
  readonly session: ResolvedSession | null;
  /** Candidates that named a session the manifest does not have. */
  readonly unknown: readonly SessionCandidate[];
}

export function resolveSession(
  sessions: readonly { readonly id: string; readonly branch: string }[],
  currentBranch: string | null,
  candidates: readonly SessionCandidate[],
): SessionResolution {
  const ids = new Set(sessions.map((s) => s.id));
  const unknown: SessionCandidate[] = [];
  for (const c of candidates) {
    if (!c.id) continue;
    if (ids.has(c.id)) return { session: { id: c.id, source: c.source }, unknown };
    unknown.push(c);
  }
  const byBranch = currentBranch ? sessions.find((s) => s.branch === currentBranch) : undefined;
  return { session: byBranch ? { id: byBranch.id, source: 'branch' } : null, unknown };
}
