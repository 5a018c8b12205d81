/**
 * The seven coordinator sessions of the v1 swarm and their stable v2 ids. v1 named a session
 * by number ("Session 4", "4-SIP", "S6", "Agent 6"), by name ("SIP", "IF.talent") or both;
 * the same number also meant other things in other plans ("Session 2: Cloud Provider APIs"),
 * so a label that carries a number and a name is accepted only when the two agree.
 */
export interface V1Session {
  /** The v2 session id. */
  readonly id: string;
  readonly number: number;
  /** How the v1 coordination matrix wrote it. */
  readonly label: string;
  readonly title: string;
  readonly name: RegExp;
  /** Names a label may also carry for this session (session 7 built SIP adapters). */
  readonly related?: RegExp;
}

export const V1_SESSIONS: readonly V1Session[] = [
  { id: 'ndi', number: 1, label: '1-NDI', title: 'NDI', name: /\bNDI\b/i },
  { id: 'webrtc', number: 2, label: '2-WebRTC', title: 'WebRTC', name: /\bweb-?rtc\b/i },
  { id: 'h323', number: 3, label: '3-H.323', title: 'H.323', name: /\bH\.?323\b/i },
  { id: 'sip', number: 4, label: '4-SIP', title: 'SIP', name: /\bSIP\b/i },
  { id: 'cli', number: 5, label: '5-CLI', title: 'CLI', name: /\bCLI\b/i },
  { id: 'talent', number: 6, label: '6-Talent', title: 'Talent', name: /\b(?:IF\.)?talent\b/i },
  { id: 'ifbus', number: 7, label: '7-IF.bus', title: 'IF.bus', name: /\bIF[.\s_-]?bus\b/i, related: /\bSIP\b/i },
];

export type LabelMatch =
  | { readonly kind: 'session'; readonly id: string }
  | { readonly kind: 'conflict'; readonly number: number; readonly names: readonly string[] }
  | { readonly kind: 'foreign'; readonly number: number }
  | { readonly kind: 'none' };

const NUMBER = /\b(?:session|agent|workstream|s)[\s_-]*(\d{1,2}|cli)\b/i;
const LEADING_NUMBER = /^\W*(\d{1,2})\s*[-.):]/;

export function sessionByNumber(n: number): V1Session | undefined {
  return V1_SESSIONS.find((s) => s.number === n);
}

export function sessionById(id: string): V1Session | undefined {
  return V1_SESSIONS.find((s) => s.id === id);
}

/** The sessions a label names, in the order their names appear. */
export function namedSessions(label: string): string[] {
  return V1_SESSIONS.map((s) => ({ id: s.id, at: label.search(s.name) }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((m) => m.id);
}

function numberIn(label: string): number | 'cli' | undefined {
  const m = NUMBER.exec(label) ?? LEADING_NUMBER.exec(label);
  if (!m) return undefined;
  return m[1]!.toLowerCase() === 'cli' ? 'cli' : Number(m[1]);
}

/**
 * Resolve a short label such as "4-SIP", "Session 6 (IF.talent)", "session-1-ndi" or "S6".
 * `foreign` is a numbered label whose name names no v1 session, e.g. "Session 2: Cloud
 * Provider APIs"; with `requireName` such a label is foreign, without it the number wins.
 */
export function resolveLabel(label: string, requireName = false): LabelMatch {
  const names = namedSessions(label);
  const num = numberIn(label);
  if (num === 'cli') return { kind: 'session', id: 'cli' };
  const byNumber = num === undefined ? undefined : sessionByNumber(num);
  if (num !== undefined && !byNumber)
    return names.length ? { kind: 'conflict', number: num, names } : { kind: 'foreign', number: num };
  if (!byNumber) return names.length ? { kind: 'session', id: names[0]! } : { kind: 'none' };
  const rest = label.replace(NUMBER, ' ');
  const bare = names.length === 0 && !/[A-Za-z]{3,}/.test(rest.replace(/\b(?:phase|status|of|and)\b/gi, ''));
  if (names.includes(byNumber.id) || byNumber.related?.test(label)) return { kind: 'session', id: byNumber.id };
  if (names.length) return { kind: 'conflict', number: byNumber.number, names };
  if (requireName && !bare) return { kind: 'foreign', number: byNumber.number };
  return { kind: 'session', id: byNumber.id };
}

/** The session id of a label, or undefined when it names none or contradicts itself. */
export function sessionOf(label: string, requireName = false): string | undefined {
  const m = resolveLabel(label, requireName);
  return m.kind === 'session' ? m.id : undefined;
}

/** "4", "1,2,3,4", "1-3", "2 & 3", "all" (every other session in `scope`) → v2 ids. */
export function sessionList(text: string, scope: readonly string[] = V1_SESSIONS.map((s) => s.id)): string[] {
  if (/\ball\b/i.test(text)) return [...scope];
  const out: string[] = [];
  for (const m of text.matchAll(/(\d{1,2})(?:\s*-\s*(\d{1,2}))?/g)) {
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    for (let n = from; n <= to; n++) {
      const s = sessionByNumber(n);
      if (s && !out.includes(s.id)) out.push(s.id);
    }
  }
  return out;
}
