/**
 * One session's status file, in any of the v1 dialects: YAML (`status: active`), YAML that
 * does not parse, markdown (`**Status:** \`phase_2_complete\` ✅`). Top-level key lines are
 * read one by one, so a file that breaks the YAML parser still yields its state.
 */
import { parseDocument } from 'yaml';
import type { V1File } from './v1Files';
import { resolveLabel, sessionOf } from './v1Sessions';
import { firstHeading, keyValues, parseTimestamp, textLines, type KeyValue } from './v1Text';
import type { BudgetFact, StateCandidate } from './v1Types';

export interface StatusFacts {
  readonly session?: string;
  readonly candidate?: StateCandidate;
  readonly budget?: BudgetFact;
  readonly notes: string[];
}

const STAMP_KEYS = [
  'timestamp',
  'last_updated',
  'last_update',
  'updated',
  'completion_timestamp',
  'completed_at',
  'end_time',
  'completed',
  'date',
  'started_at',
  'start_time',
];
const NO_BLOCKER = /^(?:null|none|no|n\/a|-|~|false|\[\])?$/i;
const PHASES = /phases?[\s_-]*(\d+)(?:\s*(?:[-_&]|and|to)\s*(\d+))?/i;

function first(kv: readonly KeyValue[], keys: readonly string[]): KeyValue | undefined {
  for (const k of keys) {
    const hit = kv.find((x) => x.key === k && x.value);
    if (hit) return hit;
  }
  return undefined;
}

/** v1 status words → a v2 state; `finished` is "done with what it had", resolved against the plan later. */
export function stateOfWords(words: string): StateCandidate['kind'] | undefined {
  if (/\bblock|waiting[_\s]+(?:for|on)[_\s]+session/i.test(words)) return 'blocked';
  if (/help/i.test(words)) return 'helping';
  if (/error|fail/i.test(words)) return 'error';
  if (/complete|\bdone\b|ready|finished|waiting|awaiting|\bidle\b|standby/i.test(words)) return 'finished';
  if (/active|progress|working|started|running|claimed/i.test(words)) return 'working';
  return undefined;
}

function rangeIn(text: string | undefined): [number, number] | undefined {
  const m = text ? PHASES.exec(text) : null;
  return m ? [Number(m[1]), Number(m[2] ?? m[1])] : undefined;
}

/** Who a status is about: its `session` line, its title, its file name, then its branch folder. */
function whose(
  file: V1File,
  kv: readonly KeyValue[],
  folderSession: string | undefined,
  notes: string[],
): string | undefined {
  const line = first(kv, ['session']);
  const labels = [line ? { text: line.value, line: line.line } : undefined, firstHeading(file.text)];
  for (const l of labels) {
    if (!l) continue;
    const m = resolveLabel(l.text);
    if (m.kind === 'session') return m.id;
    if (m.kind === 'conflict')
      notes.push(`line ${l.line}: "${l.text}" names session ${m.number} and ${m.names.join('/')}; not used`);
  }
  return file.session ?? folderSession;
}

/** Read one status file; `folderSession` is the session whose branch the file was found on. Never throws. */
export function parseStatus(file: V1File, folderSession?: string): StatusFacts {
  const notes: string[] = [];
  const kv = keyValues(file.text);
  if (/\.ya?ml$/i.test(file.base)) {
    const err = parseDocument(file.text).errors[0];
    if (err)
      notes.push(
        `YAML does not parse (line ${err.linePos?.[0]?.line ?? '?'}: ${err.message.split('\n')[0]}); read line by line`,
      );
  }
  const session = whose(file, kv, folderSession, notes);
  const budgetLine = textLines(file.text).find((l) => /^\s*budget_allocated:\s*\$?\d/.test(l.text));
  const budget =
    session && budgetLine
      ? {
          session,
          usd: Number(/(\d+(?:\.\d+)?)/.exec(budgetLine.text.split(':')[1]!)![1]),
          rank: 2,
          source: `${file.path}:${budgetLine.n}`,
        }
      : undefined;
  const status = first(kv, ['status', 'current_status', 'state']);
  if (!session)
    return {
      notes: [...notes, 'no session named by its session line, title, file name or branch'],
      ...(budget ? { budget } : {}),
    };
  if (!status) return { session, notes: [...notes, 'no status line'], ...(budget ? { budget } : {}) };
  const blockedKv = first(kv, ['blocked_on', 'blocked_by', 'blocked']);
  const blockedText = blockedKv && !NO_BLOCKER.test(blockedKv.value) ? blockedKv.value : undefined;
  const kind = blockedText ? 'blocked' : stateOfWords(status.value);
  if (!kind)
    return {
      session,
      notes: [...notes, `line ${status.line}: status "${status.value}" is not a state I can read`],
      ...(budget ? { budget } : {}),
    };
  const range =
    rangeIn(status.value) ??
    rangeIn(first(kv, ['phase', 'phases', 'current_phase'])?.value) ??
    rangeIn(file.base.replace(/^STATUS-/i, '')) ??
    rangeIn(firstHeading(file.text)?.text);
  const stampKv = STAMP_KEYS.map((k) => kv.find((x) => x.key === k && parseTimestamp(x.value))).find(Boolean);
  const stamp = stampKv ? parseTimestamp(stampKv.value) : undefined;
  const branch = first(kv, ['branch'])?.value.split(/\s+/)[0];
  const phase = range ? (kind === 'finished' ? range[1] : range[0]) : undefined;
  const blockedOn = blockedText ? blockerRefs(blockedText, phase) : [];
  const candidate: StateCandidate = {
    session,
    v1Status: status.value,
    kind,
    ...(phase !== undefined ? { phase } : {}),
    ...(range && kind === 'finished' && range[1] > 0 ? { completed: range } : {}),
    ...(stamp ? { updatedAt: stamp.iso } : {}),
    dateOnly: stamp?.dateOnly ?? false,
    blockedOn,
    ...(branch ? { branch } : {}),
    source: `${file.path}:${status.line}`,
  };
  // A status whose YAML is broken was read leniently: say what that reading salvaged.
  const broken = notes.findIndex((n) => n.startsWith('YAML does not parse'));
  if (broken >= 0)
    notes[broken] =
      `${notes[broken]!.replace(/; read line by line$/, '')}; read line by line, salvaged: status "${status.value}" (line ${status.line})` +
      `${phase !== undefined ? `, phase ${phase}` : ''}${stampKv ? `, timestamp (line ${stampKv.line})` : ''}${blockedOn.length ? `, blocked on ${blockedOn.join(', ')}` : ''}`;
  if (!stamp) notes.push('no timestamp');
  else if (stamp.dateOnly) notes.push(`line ${stampKv!.line}: timestamp is a date only (${stampKv!.value})`);
  return { session, candidate, notes, ...(budget ? { budget } : {}) };
}

/** "Session 4 (SIP) Phase 4" → `sip:4`; with no phase named, the blocked phase itself (the matrix's reading). */
export function blockerRefs(text: string, phase: number | undefined): string[] {
  const on = sessionOf(text);
  const p = /phase\s*(\d+)/i.exec(text)?.[1] ?? (phase && phase > 0 ? String(phase) : undefined);
  return on && p ? [`${on}:${p}`] : [];
}
