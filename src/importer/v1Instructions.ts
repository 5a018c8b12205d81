import type { V1File } from './v1Files';
import { sessionByNumber, sessionList, sessionOf } from './v1Sessions';
import { cleanValue, firstHeading, keyValues, parseUsd, tableCells, textLines } from './v1Text';
import type { BudgetFact, HelpTaskFact, IdleTaskFact, NeedFact, TitleFact } from './v1Types';

/**
 * What one v1 instruction file (INSTRUCTIONS-SESSION-…-PHASE(S)-…, a phase file among the
 * session starters, or a session starter read as phase 1) says beyond its text: phase titles,
 * what it is blocked on, tasks for helpers, idle tasks, budgets. Facts are tied to a phase by
 * the file name (one phase), a `## Phase N` heading, or a `| **N** |` table row; lines of a
 * multi-phase file outside any phase section give no per-phase facts.
 */
export interface InstructionFacts {
  readonly titles: TitleFact[];
  readonly needs: NeedFact[];
  readonly helpTasks: HelpTaskFact[];
  readonly idleTasks: IdleTaskFact[];
  readonly budgets: BudgetFact[];
  sessionTitle?: { readonly title: string; readonly source: string };
}

const PHASE_HEADING = /^#{1,3}\s*PHASE\s+(\d+)\s*:?\s*(.*)$/i;
const BLOCKED = /\bBLOCKED\b[*\s]*(?:ON\b|waiting\b|by\b)[:*\s]*(?:on\s+|for\s+)?(Session\s+\w+(?:\s*\([^)]*\))?(?:\s+Phase\s+\d+)?)/i;
const BLOCKS = /\bSession\s+(\d+)\s*(?:\([^)]*\))?\s+blocks\b/i;
const HELP_ITEM = /Session\s+(\d+)\s*(?:\(([^)]+)\)|w\/\s*([^|,;]+?)|with\s+([^|,;]+?))(?=\s*(?:\||$|,|;|\bor\b|\band\b))/gi;
const HELPERS_ITEM = /^\s*[-*]\s+Session\s+(\d+)\s*(?:\([^)]*\))?:\s*(.+)$/i;
const IDLE_LINE = /^\W*IDLE(?:\s+TASKS?)?:?\**:?\s*(.+)$/i;

function phaseTitle(file: V1File, phase: number): { title: string; line: number } | undefined {
  const h1 = firstHeading(file.text);
  const inH1 = h1 && new RegExp(`Phase\\s+${phase}\\s*:\\s*(.+)$`, 'i').exec(h1.text);
  if (inH1) return { title: inH1[1]!.trim(), line: h1.line };
  if (file.revised) return undefined;
  const next = keyValues(file.text).find((kv) => kv.key === 'next_phase' || kv.key === 'next');
  return next ? { title: next.value.split(/\s+-\s+/)[0]!.trim(), line: next.line } : undefined;
}

/** Read one instruction file; facts for phases outside its name's range are ignored. Never throws. */
export function parseInstruction(file: V1File): InstructionFacts {
  const f: InstructionFacts = { titles: [], needs: [], helpTasks: [], idleTasks: [], budgets: [] };
  const session = file.session;
  const [from, to] = file.phases ?? [0, 0];
  if (!session || !from) return f;
  const at = (n: number) => `${file.path}:${n}`;
  if (from === to) {
    const t = phaseTitle(file, from);
    if (t && file.kind !== 'starter') f.titles.push({ session, phase: from, title: t.title, source: at(t.line) });
  }
  let phase = from === to ? from : 0;
  let fromRow = false;
  let helpers = false;
  for (const l of textLines(file.text)) {
    const heading = PHASE_HEADING.exec(l.text);
    const cells = /^\s*\|/.test(l.text) ? tableCells(l.text) : [];
    const row = /^\**(\d+)\**$/.exec(cells[0] ?? '');
    if (fromRow && !cells.length) [phase, fromRow] = [0, false];
    if (heading && from !== to) {
      phase = Number(heading[1]);
      if (heading[2]) f.titles.push({ session, phase, title: cleanValue(heading[2]), source: at(l.n) });
      continue;
    }
    if (row && from !== to) {
      [phase, fromRow] = [Number(row[1]), true];
      if (/^\*\*/.test(cells[0]!) && cells[1]) f.titles.push({ session, phase, title: cleanValue(cells[1]), source: at(l.n) });
    }
    const allocated = /\$(\d+(?:\.\d+)?)\s+allocated\s+to\s+Session\s+(\w+)/i.exec(l.text);
    const whom = allocated ? sessionOf(`session ${allocated[2]}`) : undefined;
    if (whom) f.budgets.push({ session: whom, usd: Number(allocated![1]), rank: 2, source: at(l.n) });
    if (!phase || phase < from || phase > to) continue;
    readLine(f, session, phase, l.text, at(l.n), helpers);
    if (/\bhelping\b/i.test(l.text) && !HELPERS_ITEM.test(l.text)) helpers = true;
    else if (!HELPERS_ITEM.test(l.text)) helpers = false;
  }
  if (file.kind === 'starter') readStarter(file, session, f);
  return f;
}

function readLine(f: InstructionFacts, session: string, phase: number, text: string, source: string, helpers: boolean): void {
  const blocked = BLOCKED.exec(text);
  const blocks = BLOCKS.exec(text);
  const on = blocked ? sessionOf(blocked[1]!) : blocks ? sessionByNumber(Number(blocks[1]))?.id : undefined;
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
  if (idle && !/^None\b/i.test(cleanValue(idle[1]!)) && !/NO IDLE/i.test(text) && !/Session\s+\d/i.test(idle[1]!)) {
    f.idleTasks.push({ session, phase, task: cleanValue(idle[1]!.replace(/\|.*$/, '')), source });
  }
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
      for (const on of sessionList(numbers)) if (on !== session) f.needs.push({ session, phase: 1, on: `${on}:1`, source });
    }
  }
}
