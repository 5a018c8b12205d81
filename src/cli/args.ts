/**
 * Checks of command-line arguments, shared by every command: a malformed or out-of-range
 * argument is a USAGE error (exit 2) at once, naming the argument and what was expected,
 * never a loop that runs forever or a refusal that looks like a guard's (exit 1).
 */
import { S2Error } from '../core/errors';
import { sessionPlan, type SwarmPlan } from '../core/manifest';
import { formatPhaseRef, parsePhaseRef, type PhaseRef } from '../core/phaseRef';

export function intArg(name: string, text: string, o: { min?: number; max?: number } = {}): number {
  const n = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  const min = o.min ?? 1;
  if (!Number.isSafeInteger(n) || n < min || (o.max !== undefined && n > o.max))
    throw new S2Error(
      'USAGE',
      `${name} must be a whole number ${o.max !== undefined ? `from ${min} to ${o.max}` : `≥ ${min}`}, not "${text}"`,
      { argument: name },
    );
  return n;
}

export function positiveNumberArg(name: string, text: string): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new S2Error('USAGE', `${name} must be a positive number, not "${text}"`, { argument: name });
  return n;
}

/** A session id that the manifest knows. */
export function sessionArg(plan: SwarmPlan, name: string, id: string): string {
  if (!sessionPlan(plan, id))
    throw new S2Error(
      'UNKNOWN_SESSION',
      `${name}: no session "${id}" in the manifest (sessions: ${plan.sessions.map((s) => s.id).join(', ')})`,
      { argument: name },
    );
  return id;
}

/** SESSION:PHASE naming a session of the manifest and one of its phases. */
export function phaseRefArg(plan: SwarmPlan, name: string, text: string): PhaseRef {
  let ref: PhaseRef;
  try {
    ref = parsePhaseRef(text);
  } catch {
    throw new S2Error('USAGE', `${name}: "${text}" is not SESSION:PHASE (e.g. sip:4)`, { argument: name });
  }
  const sp = sessionPlan(plan, sessionArg(plan, name, ref.session))!;
  if (ref.phase > sp.phaseCount)
    throw new S2Error(
      'USAGE',
      `${name}: ${formatPhaseRef(ref)} does not exist; ${ref.session} has phases 1..${sp.phaseCount}`,
      { argument: name },
    );
  return ref;
}

/** A phase number N of `session`'s phases 1..phaseCount. */
export function phaseNumberArg(plan: SwarmPlan, session: string, text: string | undefined): number {
  if (text === undefined) throw new S2Error('USAGE', 'give the phase number N, e.g. 4', { argument: 'N' });
  const count = sessionPlan(plan, session)?.phaseCount;
  return intArg('the phase number N', text, { min: 1, ...(count ? { max: count } : {}) });
}
