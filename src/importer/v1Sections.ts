/**
 * Cut one phase out of a multi-phase v1 instruction file, and wrap it as a v2 instruction
 * (`.s2/instructions/<session>/phase-<n>.md`, markdown with YAML front matter). A file with
 * `## Phase N` headings keeps its preamble and that phase's section; a `| Phase | … |` table
 * keeps its header and that phase's rows; anything else is kept whole.
 */
import { stringify } from 'yaml';
import type { V1File } from './v1Files';
import { tableCells, textLines } from './v1Text';

export function phaseText(file: V1File, phase: number): string {
  const [from, to] = file.phases ?? [phase, phase];
  if (from === to) return file.text;
  const lines = textLines(file.text);
  const heads = lines.filter((l) => !l.fenced && /^#{1,3}\s*PHASE\s+\d+/i.test(l.text));
  if (heads.length) {
    const start = heads.find((h) => new RegExp(`^#{1,3}\\s*PHASE\\s+${phase}\\b`, 'i').test(h.text));
    if (!start) return file.text;
    const end = heads.find((h) => h.n > start.n)?.n ?? lines.length + 1;
    const preamble = lines.filter((l) => l.n < heads[0]!.n).map((l) => l.text);
    const body = lines.filter((l) => l.n >= start.n && l.n < end).map((l) => l.text);
    const tail =
      end <= lines.length
        ? lines
            .filter((l) => l.n > heads[heads.length - 1]!.n && /^\*\*(?:Timeline|Estimated|Total)\b/.test(l.text))
            .map((l) => l.text)
        : [];
    return [...preamble, ...body, ...tail].join('\n').replace(/\n{3,}/g, '\n\n');
  }
  const rows = lines.filter((l) => /^\s*\|/.test(l.text));
  const isPhaseTable = rows.length > 0 && /^phase$/i.test(tableCells(rows[0]!.text)[0] ?? '');
  if (!isPhaseTable) return file.text;
  return lines
    .filter((l) => {
      if (!/^\s*\|/.test(l.text) || l.n <= rows[1]!.n) return true;
      return Number(/\d+/.exec(tableCells(l.text)[0] ?? '')?.[0]) === phase;
    })
    .map((l) => l.text)
    .join('\n');
}

export interface InstructionHeader {
  readonly session: string;
  readonly phase: number;
  readonly title: string;
  readonly file: V1File;
  readonly branch?: string;
  readonly supersedes: readonly string[];
}

/** The v2 instruction id of an imported phase; acks name it. */
export function instructionId(session: string, phase: number): string {
  return `v1/${session}/phase-${phase}`;
}

/** Where v2 keeps a session's phase instruction on the coordination branch. */
export function instructionPath(session: string, phase: number): string {
  return `.s2/instructions/${session}/phase-${phase}.md`;
}

/** The v2 instruction file: front matter (`id`, `session`, `phase`, `title`, `source`, …) then the v1 text. */
export function renderInstruction(h: InstructionHeader): string {
  const [from, to] = h.file.phases ?? [h.phase, h.phase];
  const front = {
    id: instructionId(h.session, h.phase),
    session: h.session,
    phase: h.phase,
    title: h.title,
    source: h.file.path,
    ...(h.branch ? { sourceBranch: h.branch } : {}),
    ...(from !== to ? { sourcePhases: `${from}-${to}` } : {}),
    ...(h.supersedes.length ? { supersedes: [...h.supersedes] } : {}),
    importedFrom: 'v1',
  };
  const body = phaseText(h.file, h.phase).replace(/^\s+/, '');
  return `---\n${stringify(front).trimEnd()}\n---\n\n${body.endsWith('\n') ? body : `${body}\n`}`;
}
