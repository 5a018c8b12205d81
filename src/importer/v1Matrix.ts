/**
 * The v1 cross-session matrix (PHASES-4-6-COORDINATION-MATRIX.txt): one section per phase,
 * `PHASE <n>: <title> [<note>]`, rows `<n>-<Name> | work | relation | idle tasks`, then a
 * summary. The reading, checked against the summary lines and the instruction files:
 * - `BLOCKED by N` / `WAIT for N` in phase P: the row's phase P needs session N's phase P
 *   ("Session 4 (SIP) unblocks Sessions 1,2,3,6 after Phase 4 complete"): `needs: [sip:4]`.
 * - `SUPPORT 1,2,3,4` / `SUPPORT all`: the row serves those sessions during P. Not a
 *   dependency: a SupportFact, no need.
 * - `None`, `Independent`: no need.
 * - `IDLE: Help N (task)` / `Help N with task`: a task helpers can take on N's phase P (v2
 *   `helpTasks` of N:P). Other idle text is the row's own idle task. `✓ …` is a success
 *   criterion (phase 6 uses the column so) and is not imported.
 * - Summary and section notes: `Session X … unblocks Sessions a,b after Phase P`,
 *   `Session X must pass PP before Session Y`, `[Session X gates Session Y]` are needs as
 *   above (they add the Talent need its row shows only as `SUPPORT 4`); `pair-test
 *   neighbors (1↔2)` in `P5 …` is an idle task of both.
 */
import { sessionByNumber, sessionList, sessionOf } from './v1Sessions';
import { tableCells, textLines } from './v1Text';
import type { HelpTaskFact, IdleTaskFact, NeedFact, SupportFact, TitleFact } from './v1Types';

export interface MatrixNote {
  readonly line: number;
  readonly text: string;
}

export interface MatrixFacts {
  readonly titles: TitleFact[];
  readonly needs: NeedFact[];
  readonly supports: SupportFact[];
  readonly helpTasks: HelpTaskFact[];
  readonly idleTasks: IdleTaskFact[];
  /** Lines read but not imported, with why. */
  readonly notes: MatrixNote[];
  /** The sessions that have a row, in order of first appearance; `SUPPORT all` means all of them. */
  readonly sessions: string[];
}

const SECTION = /^PHASE\s+(\d+)\s*:\s*(.+?)\s*(?:\[(.+)\])?\s*$/i;
const UNBLOCKS = /Session\s+(\d+)\b.*?\bunblocks\s+Sessions?\s+([\d,\s&-]+?)\s+after\s+Phase\s+(\d+)/i;
const GATE = /Session\s+(\d+)\s+must\s+pass\s+P(?:hase\s*)?(\d+)\s+before\s+Session\s+(\d+)/i;
const GATES = /Session\s+(\d+)\s+gates\s+Session\s+(\d+)/i;
const SEPARATOR = /^[\s━─=_-]*$/;

/** Read a matrix; never throws, and lines it cannot read come back as notes with their numbers. */
export function parseMatrix(text: string, path: string): MatrixFacts {
  const f: MatrixFacts = { titles: [], needs: [], supports: [], helpTasks: [], idleTasks: [], notes: [], sessions: [] };
  let phase = 0;
  let title = '';
  for (const l of textLines(text)) {
    const source = `${path}:${l.n}`;
    const section = SECTION.exec(l.text.trim());
    if (section) {
      phase = Number(section[1]);
      title = section[2]!;
      if (section[3]) readNote(f, section[3], phase, source, l.n);
      continue;
    }
    const cells = l.text.includes('|') ? tableCells(l.text) : [];
    const session = cells.length >= 3 && phase ? sessionOf(cells[0]!) : undefined;
    if (session) {
      if (!f.sessions.includes(session)) f.sessions.push(session);
      f.titles.push({ session, phase, title, source });
      readRow(f, session, phase, cells, source, l.n);
    } else if (cells.length >= 3 && phase) {
      f.notes.push({ line: l.n, text: `row "${cells[0]}" names no v1 session; not imported` });
    } else if (!SEPARATOR.test(l.text) && (phase || !/MATRIX/i.test(l.text))) {
      phase = 0;
      readNote(f, l.text.trim(), phase, source, l.n);
    }
  }
  const supports = f.supports.map((s) =>
    s.supports[0] === '*' ? { ...s, supports: f.sessions.filter((x) => x !== s.session) } : s,
  );
  return { ...f, supports };
}

function helpItems(text: string): { target?: string; task: string }[] {
  const m = /^Help\s+(.+)$/i.exec(text);
  if (!m) return [{ task: text }];
  return m[1]!.split(/,\s*(?=\d)|\s+(?:or|and)\s+(?=\d)/).map((part) => {
    const h = /^(\d+)\s*(?:\((.+)\)|with\s+(.+))?\s*$/i.exec(part.trim());
    const target = h ? sessionByNumber(Number(h[1]))?.id : undefined;
    return target ? { target, task: (h![2] ?? h![3] ?? `help ${target}`).trim() } : { task: `Help ${part.trim()}` };
  });
}

function readRow(f: MatrixFacts, session: string, phase: number, cells: string[], source: string, line: number): void {
  const relation = cells[2]!;
  const blocked = /\b(?:BLOCKED\s+by|WAIT\s+for)\s+([\d,\s&-]+)/i.exec(relation);
  for (const on of blocked ? sessionList(blocked[1]!) : [])
    if (on !== session) f.needs.push({ session, phase, on: `${on}:${phase}`, source });
  const support = /\bSUPPORT\s+(all\b|[\d,\s&-]+)/i.exec(relation);
  if (support)
    f.supports.push({
      session,
      phase,
      supports: /^all$/i.test(support[1]!) ? ['*'] : sessionList(support[1]!).filter((s) => s !== session),
      source,
    });
  const idle = (cells[3] ?? '').replace(/^IDLE:\s*/i, '').trim();
  if (!idle || /^None\b/i.test(idle)) return;
  if (/^[✓✔]/.test(idle)) {
    f.notes.push({
      line,
      text: `success criterion of ${session}:${phase} ("${idle.replace(/^[✓✔]\s*/, '')}"): v2 has no field for it`,
    });
    return;
  }
  for (const item of helpItems(idle)) {
    if (item.target && item.target !== session)
      f.helpTasks.push({ session: item.target, phase, task: item.task, source });
    else f.idleTasks.push({ session, phase, task: item.task, source });
  }
}

function readNote(f: MatrixFacts, text: string, sectionPhase: number, source: string, line: number): void {
  const need = (blocker: number, blocked: readonly string[], phase: number) => {
    const on = sessionByNumber(blocker)?.id;
    for (const s of blocked)
      if (on && s !== on && phase) f.needs.push({ session: s, phase, on: `${on}:${phase}`, source });
  };
  const phaseTag = /^P(\d+)\b/.exec(text);
  let m: RegExpExecArray | null;
  if ((m = UNBLOCKS.exec(text))) need(Number(m[1]), sessionList(m[2]!), Number(m[3]));
  else if ((m = GATE.exec(text))) need(Number(m[1]), sessionList(m[3]!), Number(m[2]));
  else if ((m = GATES.exec(text))) need(Number(m[1]), sessionList(m[2]!), sectionPhase);
  else if (phaseTag && /pair-test/i.test(text) && /↔/.test(text)) {
    for (const p of text.matchAll(/(\d+)\s*↔\s*(\d+)/g)) {
      const [a, b] = [sessionByNumber(Number(p[1]))?.id, sessionByNumber(Number(p[2]))?.id];
      if (!a || !b) continue;
      f.idleTasks.push({
        session: a,
        phase: Number(phaseTag[1]),
        task: `pair-test with ${b} when own work is done`,
        source,
      });
      f.idleTasks.push({
        session: b,
        phase: Number(phaseTag[1]),
        task: `pair-test with ${a} when own work is done`,
        source,
      });
    }
  } else if (!/^(?:Critical Blocker\b|Fully Parallel$)/i.test(text)) {
    f.notes.push({ line, text: `not imported: ${text}` });
  }
}
