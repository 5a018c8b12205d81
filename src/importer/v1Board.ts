/**
 * A board: one file about several sessions (SESSION-STATUS.md, MULTI-SESSION-STATUS.md,
 * SWARM_STATUS.md, STATUS-SESSION-7-STARTED.md). Only table rows that name a v1 session by
 * number and name together are read — a `| Session | Status | …` row becomes a state
 * candidate, a `| Session | Expertise | …` row expertise tags. Headings such as
 * "Session 2: Cloud Provider APIs" name a session number of another plan; they are listed so
 * the report can say why the file was not used.
 */
import { resolveLabel, sessionByNumber, sessionOf } from './v1Sessions';
import { stateOfWords } from './v1Status';
import { cleanValue, keyValues, parseTimestamp, tableCells, textLines, toTag, type Timestamp } from './v1Text';
import type { ExpertiseFact, StateCandidate } from './v1Types';

export interface BoardFacts {
  readonly candidates: StateCandidate[];
  readonly expertise: ExpertiseFact[];
  /** Lines whose session number and name disagree with the v1 sessions. */
  readonly foreign: { line: number; text: string }[];
}

const SESSION_HEADING = /^(?:#{1,4}\s+|\*\*|-\s+\*\*)\s*(Session\s+\w+\s*[:(][^*\n]*)/i;

/** Read a board; never throws. */
export function parseBoard(text: string, path: string): BoardFacts {
  const out: BoardFacts = { candidates: [], expertise: [], foreign: [] };
  const kv = keyValues(text);
  const stampKv = kv.find((x) => /^(?:timestamp|last_updated|updated|date)$/.test(x.key) && parseTimestamp(x.value));
  const stamp = stampKv ? parseTimestamp(stampKv.value) : undefined;
  let header: string[] = [];
  for (const l of textLines(text)) {
    if (l.fenced) continue;
    const heading = SESSION_HEADING.exec(l.text);
    if (heading) {
      const m = resolveLabel(heading[1]!, true);
      if (m.kind === 'foreign' || m.kind === 'conflict') out.foreign.push({ line: l.n, text: heading[1]!.trim() });
      continue;
    }
    if (!/^\s*\|/.test(l.text)) {
      header = [];
      continue;
    }
    const cells = tableCells(l.text);
    if (!header.length) {
      header = cells.map((c) => c.toLowerCase());
      continue;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    readRow(out, header, cells, `${path}:${l.n}`, l.n, stamp);
  }
  return out;
}

function readRow(
  out: BoardFacts,
  header: readonly string[],
  cells: readonly string[],
  source: string,
  line: number,
  stamp: Timestamp | undefined,
): void {
  const m = resolveLabel(cells[0] ?? '', true);
  if (m.kind !== 'session') {
    if (/session/i.test(cells[0] ?? '')) out.foreign.push({ line, text: cells[0]! });
    return;
  }
  const col = (name: string) => cells[header.findIndex((h) => h.includes(name))] ?? '';
  if (header.some((h) => h.includes('expertise'))) {
    const tags = col('expertise')
      .split(/[,;]/)
      .map(toTag)
      .filter((t): t is string => Boolean(t));
    out.expertise.push({ session: m.id, tags, source });
    return;
  }
  const kind = header.includes('status') ? stateOfWords(col('status')) : undefined;
  if (!kind) return;
  const phase = /phase\s*(\d+)/i.exec(cells.join(' '))?.[1];
  out.candidates.push({
    session: m.id,
    v1Status: cleanValue(col('status')),
    kind,
    ...(phase ? { phase: Number(phase) } : {}),
    ...(stamp ? { updatedAt: stamp.iso } : {}),
    dateOnly: stamp?.dateOnly ?? false,
    blockedOn: [],
    source,
  });
}

/** Why a board gave nothing, naming the lines that use session numbers of another plan. */
export function boardReason(facts: BoardFacts): { reason: string; lines: number[] } {
  const lines = facts.foreign.map((f) => f.line);
  if (!lines.length)
    return { reason: 'a board of several sessions with no table row that names a v1 session (number and name)', lines };
  const shown = facts.foreign
    .slice(0, 3)
    .map((f) => `line ${f.line} "${f.text}"`)
    .join(', ');
  const example = facts.foreign[0]!;
  const num = /\d+/.exec(example.text)?.[0];
  const meant = num ? sessionByNumber(Number(num))?.title : undefined;
  return {
    reason: `a board of another plan: its session numbers name other workstreams (${shown}${meant ? `; v1 session ${num} is ${meant}` : ''}), so it says nothing about the v1 sessions`,
    lines,
  };
}

/** WHICH-SESSION-AM-I.md: `### Session N: Name` then `**Keywords:** "NDI", "IF.witness", …` → expertise tags. */
export function parseGuide(text: string, path: string): ExpertiseFact[] {
  const out: ExpertiseFact[] = [];
  let session: string | undefined;
  for (const l of textLines(text)) {
    if (l.fenced) continue;
    const heading = /^#{2,4}\s+(Session\s+.+)$/i.exec(l.text);
    if (heading) {
      session = sessionOf(heading[1]!, true);
      continue;
    }
    const keywords = /^\*\*Keywords:\*\*\s*(.+)$/i.exec(l.text);
    if (!keywords || !session) continue;
    const tags = keywords[1]!
      .split(',')
      .filter((k) => !/[a-z][A-Z]/.test(cleanValue(k)))
      .map(toTag)
      .filter((t): t is string => Boolean(t));
    out.push({ session, tags, source: `${path}:${l.n}` });
  }
  return out;
}
