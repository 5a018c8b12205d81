/**
 * Write what became of every file into the report: what each kept file was mapped to, why
 * the others were not, and the notes a person checking the import needs (facts overruled by
 * others, self-reported times later than the branch's last commit, branches that never existed).
 */
import { parseBranchList, type V1Branch } from './v1Branches';
import { boardReason } from './v1Board';
import type { Collected } from './v1Collect';
import { UNMAPPED_REASON, type V1File } from './v1Files';
import type { Overruled } from './v1Manifest';
import { describeFacts, ImportReport, lineOf } from './v1Report';
import { instructionPath } from './v1Sections';
import type { Copy, InstructionChoice } from './v1Select';
import type { BaselineFact } from './v1Types';

export interface ExplainInput {
  readonly kept: readonly V1File[];
  readonly copies: readonly Copy[];
  readonly choice: InstructionChoice;
  readonly c: Collected;
  readonly outcome: ReadonlyMap<string, string>;
  readonly overruled: readonly Overruled[];
  readonly branches: readonly V1Branch[];
  /** session → its chosen work branch. */
  readonly workBranches: ReadonlyMap<string, string>;
  readonly baselines: readonly BaselineFact[];
}

const pathOf = (source: string) => source.slice(0, source.lastIndexOf(':'));

/** Fill the report for every kept file and every folded copy. */
export function explain(report: ImportReport, x: ExplainInput): void {
  const byFolder = new Map(x.branches.map((b) => [b.folder, b]));
  for (const copy of x.copies) {
    const b = byFolder.get(copy.file.folder);
    const reason = copy.identical
      ? `identical copy of ${copy.of.path}`
      : `an older version of ${copy.of.rel} (branch ${b?.branch ?? copy.file.folder}${b?.date ? `, ${b.date}` : ''}); the newest branch's ${copy.of.path} is used`;
    report.skip(copy.file, reason);
  }
  for (const file of x.kept) explainFile(report, file, x);
  for (const o of x.overruled) report.note(pathOf(o.source), `line ${lineOf(o)}: ${o.what} not used: ${o.why}`);
  for (const b of x.baselines) {
    const file = b.claimed && x.kept.find((f) => f.path === pathOf(b.claimed!.source));
    if (!file) continue;
    const said = `${b.claimed!.by === 'status' ? 'a status' : 'the instruction header'} "${b.claimed!.text}" (line ${lineOf(b.claimed!)})`;
    report.map(file, [
      b.capped
        ? `baseline of ${b.session}: ${said} claims phases 1-${b.claimed!.through}; baselinePhase ${b.baselinePhase} only: ${b.capped}`
        : `baseline of ${b.session}: ${said} → phases 1-${b.baselinePhase} complete before S² (baselinePhase ${b.baselinePhase})`,
    ]);
  }
  const known = new Set(x.branches.map((b) => b.branch));
  for (const cand of x.c.candidates) {
    const path = pathOf(cand.source);
    const tip = byFolder.get(x.kept.find((f) => f.path === path)?.folder ?? '')?.date;
    if (cand.updatedAt && tip && cand.updatedAt > tip)
      report.note(
        path,
        `timestamp ${cand.updatedAt} is after its branch's last commit (${tip}): the self-reported clock is wrong`,
      );
    if (cand.branch && known.size && !known.has(cand.branch))
      report.note(path, `names branch ${cand.branch}, which is not among the known branches`);
  }
}

function explainFile(report: ImportReport, file: V1File, x: ExplainInput): void {
  const { c } = x;
  switch (file.kind) {
    case 'branches': {
      const work = new Map([...x.workBranches].map(([s, b]) => [b, s]));
      const line = (b: V1Branch) => {
        const chosen = work.get(b.branch);
        const whose = b.session ? ` → topic names session ${b.session}` : ' (its topic names no session)';
        return `${b.folder} → ${b.branch}${whose}${chosen ? `; work branch of ${chosen}` : ''} (line ${b.line})`;
      };
      report.map(file, parseBranchList(file.text).map(line));
      return;
    }
    case 'matrix': {
      const m = c.matrices.get(file.path)!;
      report.map(
        file,
        describeFacts(m),
        m.notes.map((n) => `line ${n.line}: ${n.text}`),
      );
      return;
    }
    case 'instruction':
    case 'starter':
      return explainInstruction(report, file, x);
    case 'status':
    case 'costReport':
      return explainStatus(report, file, x);
    case 'board':
      return explainBoard(report, file, x);
    case 'sessionGuide': {
      const g = c.guides.get(file.path) ?? [];
      if (g.length)
        report.map(
          file,
          g.map((e) => `expertise of ${e.session}: ${e.tags.join(', ')} (line ${lineOf(e)})`),
          ['branch names in it (claude/realtime-workstream-N-…) are plans, not branches; not used'],
        );
      else report.skip(file, 'no `Session N` heading followed by `**Keywords:**`');
      return;
    }
    default: {
      const reason = UNMAPPED_REASON[file.kind] ?? UNMAPPED_REASON.unknown!;
      report.skip(file, file.session ? `${reason} (session ${file.session})` : reason);
    }
  }
}

function explainInstruction(report: ImportReport, file: V1File, x: ExplainInput): void {
  const won = [...x.choice.winners].filter(([, f]) => f === file).map(([key]) => Number(key.split(':')[1]));
  const lost = (x.choice.lost.get(file.path) ?? []).map((l) => `phase ${l.phase} superseded by ${l.to.path}`);
  const f = x.c.instructions.get(file.path);
  const to = [
    ...won.map((p) => `instruction ${file.session}:${p} → ${instructionPath(file.session!, p)}`),
    ...(f?.sessionTitle ? [sessionTitleLine(file.session!, f.sessionTitle, x.c.sessionTitles.get(file.session!))] : []),
    ...(f ? describeFacts(f) : []),
  ];
  if (to.length) report.map(file, to, [...lost, ...(f?.notes ?? [])]);
  else report.skip(file, lost.length ? `superseded: ${lost.join('; ')}` : 'names no session or phase');
}

function sessionTitleLine(session: string, t: { title: string; source: string }, used: string | undefined): string {
  const line = `title of session ${session}: "${t.title}" (line ${lineOf(t)})`;
  return used === t.title ? line : `${line}; not used, an earlier starter gave "${used}"`;
}

function explainStatus(report: ImportReport, file: V1File, x: ExplainInput): void {
  const s = x.c.statuses.get(file.path)!;
  const to = [
    ...(s.candidate && file.kind === 'status'
      ? [
          `state report "${s.candidate.v1Status}" (line ${lineOf(s.candidate)}): ${x.outcome.get(s.candidate.source) ?? 'not used'}`,
        ]
      : []),
    ...describeFacts({ budgets: s.budget ? [s.budget] : [] }),
  ];
  const notes =
    file.kind === 'costReport'
      ? [
          ...s.notes.filter((n) => n !== 'no status line'),
          'spend lines are self-reported estimates; not imported (the v2 ledger starts empty)',
        ]
      : s.notes;
  if (to.length) report.map(file, to, notes);
  else report.skip(file, `no state or budget could be read: ${notes.join('; ') || 'unknown shape'}`);
}

function explainBoard(report: ImportReport, file: V1File, x: ExplainInput): void {
  const b = x.c.boards.get(file.path)!;
  const to = [
    ...b.candidates.map(
      (s) =>
        `state report of ${s.session} "${s.v1Status}" (line ${lineOf(s)}): ${x.outcome.get(s.source) ?? 'not used'}`,
    ),
    ...b.expertise.map((e) => `expertise of ${e.session}: ${e.tags.join(', ')} (line ${lineOf(e)})`),
  ];
  const why = boardReason(b);
  if (to.length)
    report.map(
      file,
      to,
      b.foreign.map((f) => `line ${f.line}: "${f.text}" is not a v1 session; not used`),
    );
  else report.skip(file, why.reason, why.lines);
}
