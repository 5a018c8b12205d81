/**
 * The import report: every input file ends up either mapped (with what it became) or
 * unmapped (with why, and the lines concerned). A file reported both ways is mapped, with the
 * reasons kept as notes; `finish` checks that no input path went missing.
 */
import type { V1File } from './v1Files';
import type {
  BudgetFact,
  HelpTaskFact,
  IdleTaskFact,
  Located,
  MappedFile,
  NeedFact,
  SupportFact,
  TitleFact,
  UnmappedFile,
} from './v1Types';

export class ImportReport {
  private readonly mapped = new Map<string, { kind: string; to: string[]; notes: string[] }>();
  private readonly unmapped = new Map<string, UnmappedFile>();

  map(file: V1File, to: readonly string[], notes: readonly string[] = []): void {
    const cur = this.mapped.get(file.path) ?? { kind: file.kind, to: [], notes: [] };
    cur.to.push(...to);
    cur.notes.push(...notes);
    this.mapped.set(file.path, cur);
  }

  note(path: string, note: string): void {
    this.mapped.get(path)?.notes.push(note);
  }

  skip(file: V1File, reason: string, lines: readonly number[] = []): void {
    this.unmapped.set(file.path, { path: file.path, kind: file.kind, reason, lines: [...lines] });
  }

  finish(paths: readonly string[]): { mapped: MappedFile[]; unmapped: UnmappedFile[] } {
    const mapped: MappedFile[] = [];
    const unmapped: UnmappedFile[] = [];
    for (const path of [...new Set(paths)].sort()) {
      const m = this.mapped.get(path);
      const u = this.unmapped.get(path);
      if (m && m.to.length)
        mapped.push({ path, kind: m.kind, to: m.to, notes: u ? [...m.notes, `also: ${u.reason}`] : m.notes });
      else if (u)
        unmapped.push(
          m?.notes.length
            ? { ...u, reason: `${u.reason}; ${m.notes.join('; ')}`, lines: [...u.lines, ...linesIn(m.notes)] }
            : u,
        );
      else
        unmapped.push({
          path,
          kind: m?.kind ?? 'unknown',
          reason: `nothing in it could be read as v1 coordination data${m?.notes.length ? `: ${m.notes.join('; ')}` : ''}`,
          lines: linesIn(m?.notes ?? []),
        });
    }
    return { mapped, unmapped };
  }
}

function linesIn(notes: readonly string[]): number[] {
  return notes
    .map((n) => /^line (\d+):/.exec(n)?.[1])
    .filter((n): n is string => Boolean(n))
    .map(Number);
}

export function lineOf(f: Located): string {
  return f.source.slice(f.source.lastIndexOf(':') + 1);
}

/** One report line per fact, with the line it came from. */
export function describeFacts(f: {
  readonly titles?: readonly TitleFact[];
  readonly needs?: readonly NeedFact[];
  readonly helpTasks?: readonly HelpTaskFact[];
  readonly idleTasks?: readonly IdleTaskFact[];
  readonly supports?: readonly SupportFact[];
  readonly budgets?: readonly BudgetFact[];
}): string[] {
  return [
    ...(f.titles ?? [])
      .filter((t) => t.title)
      .map((t) => `title of ${t.session}:${t.phase} "${t.title}" (line ${lineOf(t)})`),
    ...(f.needs ?? []).map((n) => `${n.session}:${n.phase} needs ${n.on} (line ${lineOf(n)})`),
    ...(f.helpTasks ?? []).map((h) => `help task on ${h.session}:${h.phase}: "${h.task}" (line ${lineOf(h)})`),
    ...(f.idleTasks ?? []).map(
      (i) =>
        `idle task of ${i.session}:${i.phase}: "${i.task}" (line ${lineOf(i)}; no v2 field, returned in idleTasks)`,
    ),
    ...(f.supports ?? []).map(
      (s) =>
        `${s.session} supports ${s.supports.join(', ')} in phase ${s.phase} (line ${lineOf(s)}; no v2 field, returned in supports)`,
    ),
    ...(f.budgets ?? []).map((b) => `budget of ${b.session}: $${b.usd} (line ${lineOf(b)})`),
  ];
}
