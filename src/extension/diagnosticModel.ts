/**
 * Problems on the lines that a blocker, a deadlock cycle or a violation involves: the `needs`
 * entry in `.s2/swarm.yaml` that waits, the awaited phase, the session's entry, and the front
 * matter of the blocked phase's instruction file. Pure: text in, problems out.
 */
import { MANIFEST_PATH } from '../core/manifest';
import { isPhaseRef, parsePhaseRef } from '../core/phaseRef';
import type { SwarmView } from '../core/viewTypes';
import { parseYaml } from '../core/yamlText';

export interface DiagnosticSpec {
  /** Path relative to the workspace root. */
  readonly file: string;
  /** 0-based. */
  readonly line: number;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly code: string;
}

export interface InstructionText {
  readonly session: string;
  readonly phase: number;
  readonly path: string;
  readonly text: string;
}

type LineOf = (path: (string | number)[]) => number | undefined;

export function diagnosticsOf(
  view: SwarmView,
  manifestText: string | null,
  instructions: readonly InstructionText[],
): DiagnosticSpec[] {
  const out: DiagnosticSpec[] = [];
  const lineOf = manifestLines(manifestText);
  const rawNeeds = manifestNeeds(manifestText);
  const at = (path: (string | number)[]): number => {
    for (let n = path.length; n > 0; n--) {
      const l = lineOf(path.slice(0, n));
      if (l !== undefined) return l - 1;
    }
    return 0;
  };
  const cycleEdges = new Map<string, string>();
  for (const d of view.deadlocks) for (const w of d.phases) cycleEdges.set(w, d.suggestion.text);
  for (const s of view.sessions) {
    for (const p of s.phases) {
      if (p.state === 'error') {
        const a = s.attempts;
        out.push({
          file: MANIFEST_PATH,
          line: at(['sessions', s.id, 'phases', String(p.phase)]),
          severity: 'error',
          code: 'PHASE_ERROR',
          message: `${s.id}:${p.phase} ${p.title} is in error${a ? ` after ${a.count} of ${a.max} attempts (${a.lastError})` : ''}: a person must look, then "S2: Reset Phase"`,
        });
        continue;
      }
      if (p.state !== 'blocked' || !p.blockedBy.length) continue;
      for (const ref of p.blockedBy) {
        const wait = `${s.id}:${p.phase} -> ${ref}`;
        const cycle = cycleEdges.get(wait);
        const i = (rawNeeds.get(`${s.id}:${p.phase}`) ?? []).indexOf(ref);
        const path = i >= 0 ? ['sessions', s.id, 'phases', String(p.phase), 'needs', i] : ['sessions', s.id];
        const why = s.waitReasons[ref];
        const what =
          i >= 0
            ? `${s.id}:${p.phase} needs ${ref}, which is not complete${why ? ` (“${why}”)` : ''}`
            : `${s.id}:${p.phase} waits on ${ref}${why ? `: “${why}”` : ''}`;
        out.push(
          cycle
            ? {
                file: MANIFEST_PATH,
                line: at(path),
                severity: 'error',
                code: 'DEADLOCK',
                message: `deadlock: ${what}; ${cycle}`,
              }
            : { file: MANIFEST_PATH, line: at(path), severity: 'warning', code: 'BLOCKED', message: what },
        );
      }
      const instr = instructions.find((x) => x.session === s.id && x.phase === p.phase);
      if (instr)
        out.push({
          file: instr.path,
          line: frontMatterLine(instr.text, 'needs'),
          severity: 'warning',
          code: 'BLOCKED',
          message: `${s.id}:${p.phase} is blocked by ${p.blockedBy.join(', ')}`,
        });
    }
  }
  for (const b of view.blockers) {
    for (const ref of b.phases) {
      const { phase } = parsePhaseRef(ref);
      out.push({
        file: MANIFEST_PATH,
        line: at(['sessions', b.session, 'phases', String(phase)]),
        severity: b.stalled ? 'error' : 'info',
        code: b === view.blockers[0] ? 'TOP_BLOCKER' : 'BLOCKER',
        message: `${waitersOn(view, ref)} wait on ${ref} (${b.transitive} in all)${b.stalled ? ' — and it is stalled' : ''}`,
      });
    }
  }
  for (const v of view.violations) {
    if (v.code === 'DEADLOCK') continue;
    const ref = v.ref && isPhaseRef(v.ref) ? parsePhaseRef(v.ref) : null;
    const path =
      v.session === '*'
        ? ['budget']
        : ref && ref.session === v.session
          ? ['sessions', v.session, 'phases', String(ref.phase)]
          : ['sessions', v.session];
    out.push({ file: MANIFEST_PATH, line: at(path), severity: v.severity, code: v.code, message: v.message });
  }
  return out;
}

/** "talent (“needs the media path”), h323" — who waits on a phase, with the reasons given. */
function waitersOn(view: SwarmView, ref: string): string {
  return view.sessions
    .filter((x) => x.blockedBy.includes(ref))
    .map((x) => (x.waitReasons[ref] ? `${x.id} (“${x.waitReasons[ref]}”)` : x.id))
    .join(', ');
}

function manifestLines(text: string | null): LineOf {
  if (!text) return () => undefined;
  try {
    return parseYaml(text, MANIFEST_PATH).lineOf;
  } catch {
    return () => undefined;
  }
}

/** The needs as written, per `session:phase`, so a diagnostic can point at the exact entry. */
function manifestNeeds(text: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!text) return out;
  try {
    const doc = parseYaml(text, MANIFEST_PATH).value as {
      sessions?: Record<string, { phases?: Record<string, { needs?: unknown } | null> }>;
    };
    for (const [id, s] of Object.entries(doc.sessions ?? {})) {
      for (const [n, p] of Object.entries(s?.phases ?? {}))
        if (Array.isArray(p?.needs)) out.set(`${id}:${n}`, p.needs.map(String));
    }
  } catch {
    /* an unreadable manifest has no needs to point at */
  }
  return out;
}

/** The 0-based line of `key:` inside the front matter, else the first line. */
export function frontMatterLine(text: string, key: string): number {
  const lines = text.split(/\r?\n/);
  if (lines[0] !== '---') return 0;
  for (let i = 1; i < lines.length && lines[i] !== '---'; i++) if (lines[i]!.startsWith(`${key}:`)) return i;
  return 0;
}
