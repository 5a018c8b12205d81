/**
 * What one v1 instruction file (INSTRUCTIONS-SESSION-…-PHASE(S)-…, a phase file among the
 * session starters, or a session starter read as phase 1) says beyond its text: phase titles,
 * what it is blocked on, tasks for helpers, idle tasks, budgets. Facts are tied to a phase by
 * the file name (one phase), a `## Phase N` heading, or a `| **N** |` table row; lines of a
 * multi-phase file outside any phase section give no per-phase facts. In a one-phase file (a
 * session starter is phase 1) the rows of a table whose first column is `Phase` belong to the
 * phase they name, not to the file's: the starters' "Phases 4-6" tables are plans for later
 * phases, which the per-phase instructions replaced. A row with no phase (`| — | IDLE TASK…`)
 * continues its table: it is an idle task of the phase it waits in ("Run while blocked on
 * Session 4": the row of that table that waits on Session 4), never a need — "while blocked
 * on", "if blocked" say when to do a task, not what the phase depends on.
 * The header `**Status:** Phase 3 Complete ✅` of an instruction is the orchestrator's word on
 * how far the session got (a CompletedFact, used for the baseline).
 */
import type { V1File } from './v1Files';
import { sessionByNumber, sessionList, sessionOf } from './v1Sessions';
import { cleanValue, firstHeading, keyValues, parseUsd, tableCells, textLines } from './v1Text';
import type { BudgetFact, CompletedFact, HelpTaskFact, IdleTaskFact, NeedFact, TitleFact } from './v1Types';

export interface InstructionFacts {
  readonly titles: TitleFact[];
  readonly needs: NeedFact[];
  readonly helpTasks: HelpTaskFact[];
  readonly idleTasks: IdleTaskFact[];
  readonly budgets: BudgetFact[];
  readonly completed: CompletedFact[];
  /** Lines that would give facts for a phase the file is not for, with why they are not used. */
  readonly notes: string[];
  sessionTitle?: { readonly title: string; readonly source: string };
}

const PHASE_HEADING = /^#{1,3}\s*PHASE\s+(\d+)\s*:?\s*(.*)$/i;
const BLOCKED =
  /\bBLOCKED\b[*\s]*(?:ON\b|waiting\b|by\b)[:*\s]*(?:on\s+|for\s+)?(Session\s+\w+(?:\s*\([^)]*\))?(?:\s+Phase\s+\d+)?)/i;
const BLOCKS = /\bSession\s+(\d+)\s*(?:\([^)]*\))?\s+blocks\b/i;
const HELP_ITEM =
  /Session\s+(\d+)\s*(?:\(([^)]+)\)|w\/\s*([^|,;]+?)|with\s+([^|,;]+?))(?=\s*(?:\||$|,|;|\bor\b|\band\b))/gi;
const HELPERS_ITEM = /^\s*[-*]\s+Session\s+(\d+)\s*(?:\([^)]*\))?:\s*(.+)$/i;
const IDLE_LINE = /^\W*IDLE(?:\s+TASKS?)?:?\**:?\s*(.+)$/i;
const COMPLETE_HEADER = /^Phases?\s+(\d+)(?:\s*(?:[-–&]|and|to)\s*(\d+))?\s+Complete\b/i;
/** A table cell that stands for "no phase" in a phase column. */
const NO_PHASE = /^[\s—–-]*$|^…$/;
const WAITS_ON = /\b(?:waiting\s+on|blocked\s+(?:on|by)|wait\s+for)\b[^|]*?\bSession\s+(\d+)/i;

function phaseTitle(file: V1File, phase: number): { title: string; line: number } | undefined {
  const h1 = firstHeading(file.text);
  const inH1 = h1 && new RegExp(`Phase\\s+${phase}\\s*:\\s*(.+)$`, 'i').exec(h1.text);
  if (inH1) return { title: inH1[1]!.trim(), line: h1.line };
  if (file.revised) return undefined;
  const next = keyValues(file.text).find((kv) => kv.key === 'next_phase' || kv.key === 'next');
  return next ? { title: next.value.split(/\s+-\s+/)[0]!.trim(), line: next.line } : undefined;
}

function noFacts(): InstructionFacts {
  return { titles: [], needs: [], helpTasks: [], idleTasks: [], budgets: [], completed: [], notes: [] };
}

/** Read one instruction file; facts for phases outside its name's range are ignored. Never throws. */
export function parseInstruction(file: V1File): InstructionFacts {
  const f = noFacts();
  const session = file.session;
  const [from, to] = file.phases ?? [0, 0];
  if (!session || !from) return f;
  const at = (n: number) => `${file.path}:${n}`;
  if (from === to) {
    const t = phaseTitle(file, from);
    if (t && file.kind !== 'starter') f.titles.push({ session, phase: from, title: t.title, source: at(t.line) });
  }
  const single = from === to;
  const outside = single ? from : 0;
  let phase = outside;
  let fromRow = false;
  let helpers = false;
  /** The current table: whether its first column is `Phase`, and its rows with their phases. */
  let table: { phased: boolean; rows: { phase: number; text: string }[] } | null = null;
  for (const l of textLines(file.text)) {
    const heading = PHASE_HEADING.exec(l.text);
    const cells = /^\s*\|/.test(l.text) ? tableCells(l.text) : [];
    if (!cells.length) table = null;
    else if (!table) table = { phased: /^\**Phase\**$/i.test(cells[0] ?? ''), rows: [] };
    const row = /^\**(\d+)\**$/.exec(cells[0] ?? '');
    if (fromRow && !cells.length) [phase, fromRow] = [outside, false];
    if (heading && !single) {
      phase = Number(heading[1]);
      if (heading[2]) f.titles.push({ session, phase, title: cleanValue(heading[2]), source: at(l.n) });
      continue;
    }
    if (row && (!single || table?.phased)) {
      [phase, fromRow] = [Number(row[1]), true];
      table?.rows.push({ phase, text: l.text });
      if (!single && /^\*\*/.test(cells[0]!) && cells[1])
        f.titles.push({ session, phase, title: cleanValue(cells[1]), source: at(l.n) });
    } else if (fromRow && cells.length && NO_PHASE.test(cells[0]!)) {
      phase = rowPhase(table!.rows, l.text) ?? phase;
    }
    const allocated = /\$(\d+(?:\.\d+)?)\s+allocated\s+to\s+Session\s+(\w+)/i.exec(l.text);
    const whom = allocated ? sessionOf(`session ${allocated[2]}`) : undefined;
    if (whom) f.budgets.push({ session: whom, usd: Number(allocated![1]), rank: 2, source: at(l.n) });
    if (!phase) continue;
    if (phase < from || phase > to) {
      const scratch = noFacts();
      readLine(scratch, session, phase, l.text, at(l.n), false);
      const what = [
        ...scratch.needs.map((n) => `need ${n.session}:${n.phase} → ${n.on}`),
        ...scratch.helpTasks.map((h) => `help task on ${h.session}:${h.phase}`),
        ...scratch.idleTasks.map((i) => `idle task of ${i.session}:${i.phase} "${i.task}"`),
      ];
      if (what.length)
        f.notes.push(
          `line ${l.n}: ${what.join('; ')}: a row of phase ${phase}; not used (the file is the instruction of ${single ? `phase ${from}` : `phases ${from}-${to}`} only)`,
        );
      continue;
    }
    readLine(f, session, phase, l.text, at(l.n), helpers);
    if (/\bhelping\b/i.test(l.text) && !HELPERS_ITEM.test(l.text)) helpers = true;
    else if (!HELPERS_ITEM.test(l.text)) helpers = false;
  }
  if (file.kind === 'instruction') readCompleted(file, session, f);
  if (file.kind === 'starter') readStarter(file, session, f);
  return f;
}

function readLine(
  f: InstructionFacts,
  session: string,
  phase: number,
  text: string,
  source: string,
  helpers: boolean,
): void {
  const blocked = BLOCKED.exec(text);
  const blocks = BLOCKS.exec(text);
  // "Run while blocked on Session 4", "If blocked, …", an IDLE TASK row: when to do a task, not a dependency.
  const conditional =
    /\bIDLE\s+TASKS?\b/i.test(text) ||
    (blocked !== null && /\b(?:while|when|if)\s*$/i.test(text.slice(0, blocked.index)));
  const on = conditional
    ? undefined
    : blocked
      ? sessionOf(blocked[1]!)
      : blocks
        ? sessionByNumber(Number(blocks[1]))?.id
        : undefined;
  const onPhase = blocked ? /Phase\s+(\d+)/i.exec(blocked[1]!)?.[1] : undefined;
  if (on && on !== session) f.needs.push({ session, phase, on: `${on}:${onPhase ?? phase}`, source });
  const item = helpers ? HELPERS_ITEM.exec(text) : null;
  if (item) {
    f.helpTasks.push({ session, phase, task: cleanValue(item[2]!), source });
    return;
  }
  const help = /\b(?:help|assist)\b/i.exec(text);
  if (help && /IDLE|BLOCKED|\bblocks\b|assist|If blocked/i.test(text)) {
    for (const m of text.slice(help.index).matchAll(HELP_ITEM)) {
      const target = sessionByNumber(Number(m[1]))?.id;
      const task = cleanValue(m[2] ?? m[3] ?? m[4] ?? '');
      if (target && target !== session && task) f.helpTasks.push({ session: target, phase, task, source });
    }
    return;
  }
  const idle = IDLE_LINE.exec(text.replace(/^\|\s*/, '').trim());
  const task = idle ? cleanValue(idle[1]!.replace(/\|.*$/, '')) : '';
  if (idle && task && !/^None\b/i.test(task) && !/NO IDLE/i.test(text) && !/Session\s+\d/i.test(task)) {
    f.idleTasks.push({ session, phase, task, source });
  }
}

/** The phase of a table row that has none (`| — |`): the row of the same table that waits on the session this one is "blocked on". */
function rowPhase(rows: readonly { phase: number; text: string }[], text: string): number | undefined {
  const on = /\bblocked\s+on\s+Session\s+(\d+)/i.exec(text)?.[1];
  if (!on) return undefined;
  return rows.find((r) => {
    const w = WAITS_ON.exec(r.text);
    return w !== null && w[1] === on;
  })?.phase;
}

/** `**Status:** Phase 3 Complete ✅`, `Phases 2-3 Complete`: the first status line of an instruction. */
function readCompleted(file: V1File, session: string, f: InstructionFacts): void {
  const kv = keyValues(file.text).find((x) => x.key === 'status');
  const m = kv ? COMPLETE_HEADER.exec(kv.value) : null;
  if (m)
    f.completed.push({
      session,
      through: Number(m[2] ?? m[1]),
      text: kv!.value,
      by: 'instruction',
      source: `${file.path}:${kv!.line}`,
    });
}

function readStarter(file: V1File, session: string, f: InstructionFacts): void {
  const h1 = firstHeading(file.text);
  const title = h1 && /^Session\s+\w+\s*:\s*(.+?)(?:\s+-\s+Session Starter)?$/i.exec(h1.text);
  if (title) {
    f.sessionTitle = { title: title[1]!.trim(), source: `${file.path}:${h1!.line}` };
    f.titles.push({ session, phase: 1, title: title[1]!.trim(), source: `${file.path}:${h1!.line}` });
  }
  for (const kv of keyValues(file.text)) {
    const source = `${file.path}:${kv.line}`;
    const usd = kv.key === 'budget' ? parseUsd(kv.value) : undefined;
    if (usd !== undefined) f.budgets.push({ session, usd, rank: 1, source });
    if (kv.key === 'dependencies' && !/^None\b/i.test(kv.value)) {
      const numbers = [...kv.value.matchAll(/Session\s+(\d+)/gi)].map((m) => m[1]).join(',');
      for (const on of sessionList(numbers))
        if (on !== session) f.needs.push({ session, phase: 1, on: `${on}:1`, source });
    }
  }
}
