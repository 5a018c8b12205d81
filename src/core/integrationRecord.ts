/**
 * The integration gate's verdict, `.s2/sessions/<id>/integration.yaml` in the integrating
 * session's own records, signed like every record: which completion of which session was
 * merged (in manifest order) on top of which coordination commit, the swarm-level
 * `integrate` commands' results on the merged tree, and — when it failed — the sessions
 * whose changes the failure involves, found by bisecting the merge order.
 */
import { z } from 'zod';
import type { SwarmPlan } from './manifest';
import { CommandResult, SignatureSchema, sessionDir } from './records';
import type { SwarmView } from './viewTypes';

export const IntegrationResult = z.enum(['pass', 'fail', 'conflict']);
export type IntegrationResult = z.infer<typeof IntegrationResult>;

export const IntegratedCompletion = z.object({
  session: z.string(),
  phase: z.number().int().positive(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
});
export type IntegratedCompletion = z.infer<typeof IntegratedCompletion>;

export const IntegrationRecord = z.object({
  kind: z.literal('integration'),
  session: z.string(),
  at: z.string(),
  coordinationCommit: z.string(),
  merged: z.array(IntegratedCompletion),
  skipped: z.array(z.object({ session: z.string(), reason: z.string() })).default([]),
  /** The merge of everything in `merged` (null when a merge conflicted). */
  mergeCommit: z.string().nullable(),
  result: IntegrationResult,
  commands: z.array(CommandResult),
  /** Sessions whose changes the failure involves (empty on pass). */
  culprits: z.array(z.string()).default([]),
  /** Each bisection probe: the sessions merged on top of the coordination commit, and the outcome. */
  bisect: z.array(z.object({ sessions: z.array(z.string()), result: IntegrationResult })).default([]),
  durationMs: z.number().nonnegative(),
  detail: z.string().default(''),
  signature: SignatureSchema.optional(),
});
export type IntegrationRecord = z.infer<typeof IntegrationRecord>;

export const integrationPath = (s: string): string => `${sessionDir(s)}/integration.yaml`;

export interface IntegrationSelection {
  readonly merged: IntegratedCompletion[];
  readonly skipped: { session: string; reason: string }[];
  /** The newest completion of each session, whose commit must exist (a missing one is an error, not a skip). */
  readonly latest: IntegratedCompletion[];
}

/**
 * The latest verified completion of every session, in manifest order (under the `advisory`
 * policy an unverified one counts too; a disputed or invalid one never does).
 */
export function selectForIntegration(view: SwarmView, plan: SwarmPlan): IntegrationSelection {
  const merged: IntegratedCompletion[] = [];
  const skipped: { session: string; reason: string }[] = [];
  const latest: IntegratedCompletion[] = [];
  const counts = plan.verification === 'advisory' ? ['verified', 'done'] : ['verified'];
  for (const sp of plan.sessions) {
    const phases = view.sessions.find((s) => s.id === sp.id)?.phases ?? [];
    const newest = [...phases].reverse().find((p) => p.commit);
    if (newest) latest.push({ session: sp.id, phase: newest.phase, commit: newest.commit! });
    const pick = [...phases].reverse().find((p) => p.commit && counts.includes(p.state));
    if (pick) merged.push({ session: sp.id, phase: pick.phase, commit: pick.commit! });
    else
      skipped.push({
        session: sp.id,
        reason: newest
          ? `no verified completion (latest ${sp.id}:${newest.phase} is ${newest.state})`
          : 'no completion yet',
      });
  }
  return { merged, skipped, latest };
}
