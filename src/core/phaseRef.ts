import { S2Error } from './errors';

/** A reference to one phase of one session, written `sip:4`. */
export interface PhaseRef {
  readonly session: string;
  readonly phase: number;
}

const PHASE_REF = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([1-9][0-9]*)$/;

export function parsePhaseRef(text: string): PhaseRef {
  const m = PHASE_REF.exec(text.trim());
  if (!m) throw new S2Error('USAGE', `"${text}" is not a phase reference; write SESSION:PHASE, e.g. sip:4`);
  return { session: m[1]!, phase: Number(m[2]) };
}

export function isPhaseRef(text: string): boolean {
  return PHASE_REF.test(text.trim());
}

export function formatPhaseRef(ref: PhaseRef): string {
  return `${ref.session}:${ref.phase}`;
}
