/**
 * One markdown prompt per session of the manifest, pure and deterministic: the same plan
 * gives the same bytes (no date, no absolute path, no key), so `s2 prompts --check` can tell
 * committed prompts that drifted from the manifest.
 */
import type { SwarmPlan } from '../manifest';
import { promptFacts, promptFileName } from './promptFacts';
import { blockerHelp, budget, pollingLoop, recovery } from './promptProtocols';
import { crossValidation, header, phases, role, validation } from './promptSections';

export interface PromptFile {
  readonly session: string;
  readonly file: string;
  readonly text: string;
}

export function renderPrompt(plan: SwarmPlan, session: string): string {
  const f = promptFacts(plan, session);
  const lines = [
    ...header(f, plan),
    ...role(f, plan),
    ...phases(f),
    ...validation(f, plan),
    ...crossValidation(f, plan),
    ...blockerHelp(f, plan),
    ...budget(f, plan),
    ...pollingLoop(f, plan),
    ...recovery(f, plan),
  ];
  return `${lines.join('\n')}\n`;
}

export function renderPrompts(plan: SwarmPlan): PromptFile[] {
  return plan.sessions.map((s) => ({
    session: s.id,
    file: promptFileName(plan, s.id),
    text: renderPrompt(plan, s.id),
  }));
}
