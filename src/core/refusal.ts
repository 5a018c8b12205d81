/**
 * A refusal is data: a stable code a program acts on, the phase reference it concerns (when
 * one does), and the sentence a person reads. Guards return them, the loop acts on the codes
 * (never on the wording), and the CLI, the MCP tools and the editor render the same codes.
 */
import { z } from 'zod';

export const RefusalCode = z.enum([
  'NO_SUCH_PHASE',
  'PHASE_REPEATED',
  'PHASE_SKIPPED',
  'PHASE_NOT_STARTED',
  'PHASE_IN_ERROR',
  'PHASE_ADOPTED',
  'NOT_ADOPTED',
  'NOT_OPEN_PHASE',
  'NOT_DISPUTED',
  'NOTHING_TO_SUPERSEDE',
  'NEED_UNVERIFIED',
  'NEED_DISPUTED',
  'NEED_INCOMPLETE',
  'WRONG_BRANCH',
  'UNCOMMITTED_CHANGES',
  'UNCHANGED_COMMIT',
  'BUDGET_EXCEEDED',
  'SWARM_BUDGET_EXCEEDED',
  'AGENT_CAP',
  'SELF_HELP',
  'FALSE_BLOCKER',
  'NOT_WAITED_ON',
  'HELP_LOOP',
  'DUPLICATE_HELP',
  'HELPER_CAP',
  'ALREADY_HELPING',
  'NO_HELP_TASK',
  'SELF_ADOPT',
  'TARGET_ALIVE',
  'EXPERTISE_MISMATCH',
]);
export type RefusalCode = z.infer<typeof RefusalCode>;

export const Refusal = z.object({
  code: RefusalCode,
  /** The phase the refusal is about (`sip:4`), when it names one: what to verify, adopt, wait on. */
  ref: z.string().optional(),
  text: z.string(),
});
export type Refusal = z.infer<typeof Refusal>;

export function refusal(code: RefusalCode, text: string, ref?: string): Refusal {
  return ref === undefined ? { code, text } : { code, ref, text };
}

/**
 * The line a person reads: the sentence, and its code where the sentence does not already
 * name it — the same code whichever face (CLI, MCP tool, editor) shows the refusal.
 */
export function refusalLine(r: Refusal): string {
  // A sentence that goes on with a list (the uncommitted files) carries its code on its first line.
  return r.text.includes(r.code) ? r.text : r.text.replace(/(\n|$)/, ` (${r.code})$1`);
}
