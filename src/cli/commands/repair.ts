import type { Command } from '../cliTypes';

const BRANCH_PROBLEMS = new Set([
  'FOREIGN_COMMIT',
  'REF_NOT_COMMIT',
  'REF_VANISHED',
  'UNREADABLE_OBJECT',
  'HISTORY_REWRITE',
]);

/**
 * `s2 repair`: rebuild this session's records branch from its last sealed commit. Every
 * write does this when it finds commits it did not seal (the writer never builds on them);
 * this command does it on purpose, records it in the witness log, and says what it found.
 */
export const repairCommand: Command = {
  name: 'repair',
  summary: "Rebuild this session's records branch from the last commit it sealed (steps over others' commits)",
  usage: 'repair',
  maxPositionals: 0,
  options: {},
  details:
    'Commits on s2/sessions/<you> that your key did not seal (FOREIGN_COMMIT), a ref pointed at a non-commit or deleted (REF_NOT_COMMIT, REF_VANISHED) are put right: a new sealed commit on top, holding your records as you last sealed them. Nothing is force-pushed; the stepped-over commits stay in history, named in the commit message (s2-repaired). See docs/TRUST.md, "Records and refs".',
  async run(ctx) {
    const s = await ctx.open();
    const { snapshot, view } = await s.view();
    const me = s.requireSession(snapshot.plan);
    const found = view.violations.filter((v) => v.session === me && BRANCH_PROBLEMS.has(v.code));
    const store = await s.store(snapshot.plan);
    const r = await store.commit({
      witness: { action: 'repair', detail: found.map((v) => v.code).join(', ') || 'nothing to repair' },
      message: 'repair',
    });
    const stepped = s.warnings.filter((w) => /not sealed by|moved back/.test(w));
    ctx.out(
      { ok: true, commit: r?.commit ?? null, found, stepped },
      `${found.length ? `found: ${found.map((v) => v.code).join(', ')}\n` : 'nothing to repair on your branch\n'}${stepped.length ? stepped.join('\n') : ''}\nsealed ${r?.commit.slice(0, 12) ?? '(nothing written)'}`,
    );
    return 0;
  },
};
