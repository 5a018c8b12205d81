/**
 * The remaining sections of a session prompt: blocker help, the cost budget, the polling
 * loop and failure recovery. Every step names the `s2` command that enforces it.
 */
import { sessionPlan, type SwarmPlan } from '../manifest';
import type { PromptFacts } from './promptFacts';
import { code, s2 } from './promptSections';

export function blockerHelp(f: PromptFacts, plan: SwarmPlan): string[] {
  const baseline = (id: string) => sessionPlan(plan, id)?.baselinePhase ?? 0;
  const firstNeed = f.session.phases
    .filter((p) => p.phase > f.session.baselinePhase)
    .flatMap((p) => p.needs)
    .find((n) => n.phase > baseline(n.session));
  const example = firstNeed ? `${firstNeed.session}:${firstNeed.phase}` : (f.offers[0]?.ref ?? 'SESSION:PHASE');
  return [
    '',
    '## Blocker help protocol',
    '',
    `- ${s2(f, 'blockers')}: who blocks whom, ranked by how many sessions wait (directly or not), with the gang-up plan and the critical path.`,
    `- You are blocked when your row of ${s2(f, 'status')} has BLOCKED BY, or start-phase says ${code('needs …: not complete')}. Do not start the phase and do not build on the missing work. Run ${s2(f, 'help --auto')}: it takes your task from the gang-up plan (the blocker's side when your expertise matches, else your side of the integration). Exit 1 says why there is none for you: then do work of your own that does not depend on the blocker, and keep polling.`,
    `- To take a named task: ${s2(f, `help ${example} --task "…"`)}. Refused when that session blocks nobody (FALSE_BLOCKER), when it would be a help loop, when the task is taken, or when the blocker already has ${plan.polling.maxHelpersPerBlocker} helpers.`,
    `- A help claim is a lease of ${plan.polling.helpLeaseSeconds} s: commit progress on your work branch within it, or it lapses (HELPER_NO_PROGRESS). ${s2(f, 'help --release')} when the task is done or you stop.`,
    `- A wait the manifest does not know: ${s2(f, `block --on ${example} --reason "…"`)}; ${s2(f, 'block --clear')} as soon as it is over. A declared wait on a complete phase is reported as FALSE_BLOCKER.`,
    `- When you block others (a BLOCKING event, or ${code('blocks')} in your status row): your open phase comes first; take no help task, and let the helpers the plan sends work on the tasks it lists.`,
    `- A blocker that is silent (STUCK_BLOCKER, a stale heartbeat) or in error: ${s2(f, 'adopt SESSION:PHASE')} records that you take its open phase over (refused unless it is stale or in error and your expertise matches). Then tell a person: the CLI does not yet record the completion of an adopted phase.`,
  ];
}

export function budget(f: PromptFacts, plan: SwarmPlan): string[] {
  const s = f.session;
  return [
    '',
    '## Cost budget',
    '',
    `- Your budget is $${s.budgetUsd}${plan.swarmBudgetUsd !== undefined ? `, inside the swarm's $${plan.swarmBudgetUsd}` : ''}; your cap is ${s.maxAgents} sub-agents running at once.`,
    `- After every paid step (a sub-agent run, a long model call): ${s2(f, 'spend USD --model MODEL --note "what it was for"')}. From Claude Code's own logs instead: ${s2(f, 'import-usage FILE.jsonl')} (priced by the manifest; a message is never counted twice).`,
    `- Before each sub-agent: ${s2(f, 'agents start ID')} (refused above ${s.maxAgents} running, or when the budget is spent); after it: ${s2(f, 'agents stop ID')}. The installed hook does this for Claude Code's Task tool.`,
    `- At 80% the loop raises BUDGET_80: finish the phase with fewer agents. At 100% (BUDGET_EXCEEDED) start-phase, agents start and every hooked tool call are refused: stop, stop your agents, say so to a person. Only an approver raises a budget (${code(`s2 approve ${s.id} --usd N --as APPROVER`)}, a person's command, never yours).`,
  ];
}

export function pollingLoop(f: PromptFacts, plan: SwarmPlan): string[] {
  const p = plan.polling;
  return [
    '',
    '## Your polling loop',
    '',
    `Repeat until ${s2(f, 'status')} shows ${code(f.session.id)} as ${code('done')}:`,
    '',
    `1. ${s2(f, 'poll --once --no-execute')}: fetches, renews your heartbeat, prints the events for you (INSTRUCTION_NEW, BLOCKED, UNBLOCKED, BLOCKING, DEADLOCK, STUCK_BLOCKER, BUDGET_80, BUDGET_100, VIOLATION), and starts your open phase by itself when its instruction is pending and the guards allow.`,
    `2. ${s2(f, 'status --json')}: in ${code('sessions')}, your entry's ${code('phase')}, ${code('state')}, ${code('blockedBy')}, ${code('blocks')} and ${code('phases[phase-1].state')}.`,
    '3. Act on the first case that holds:',
    `   - ${code('done')}: stop and report to the person.`,
    `   - the phase is ${code('error')}: stop and ask a person (${code('s2 reset-phase N')} is theirs).`,
    '   - budget spent (BUDGET_100): cost budget, above.',
    `   - ${code('blockedBy')} is not empty: blocker help protocol, above; then go to 4.`,
    `   - the phase is ${code('ready')}: ${s2(f, 'start-phase N')}; on exit 1 read why (a need not met means you are blocked).`,
    `   - the phase is ${code('in-progress')} or ${code('stalled')}: read its instruction, work and commit on your branch, record spend, ${s2(f, 'heartbeat')} at least every ${p.heartbeatSeconds} s, then ${s2(f, 'complete-phase N')}.`,
    `   - a DEADLOCK naming you: if its suggestion is to withdraw a wait you declared, ${s2(f, 'block --clear')}; otherwise stop and ask a person (only they change a need in the manifest).`,
    `4. Wait ${p.intervalSeconds} s, then go to 1. Where your runtime keeps a process running, ${s2(f, 'poll --no-execute')} in the background does step 1 and the heartbeat every ${p.intervalSeconds} s; you still do steps 2 and 3.`,
  ];
}

export function recovery(f: PromptFacts, plan: SwarmPlan): string[] {
  return [
    '',
    '## Failure recovery',
    '',
    `- **Crash or restart mid-phase**: do the setup again, then ${s2(f, 'status --json')}. The records say where you are, not your memory. An ${code('in-progress')} or ${code('stalled')} phase: continue its work, heartbeat, complete it. A completed phase is never redone (start-phase and complete-phase refuse it: PHASE_REPEATED). If a session adopted your phase meanwhile, ask a person before you go on.`,
    `- **git conflict**: only on your work branch, in your checkout: merge, resolve, test, commit. Never edit, rebase or force-push an ${code('s2/sessions/*')} branch (the view flags HISTORY_REWRITE and FOREIGN_WRITE). A PUSH_REJECTED from ${code('s2')} (exit 1) means someone wrote to your records branch: stop, run ${s2(f, 'validate')}, ask a person. A ${code('conflict')} from ${code('s2 verify')}: merge that completion's commit into your work branch, resolve, commit, verify again.`,
    `- **Budget exceeded**: ${s2(f, 'agents stop')} for each running agent, no new paid step, report to a person and keep only the loop (heartbeats) running until an approver raises the budget.`,
    `- **Tests failing**: ${code('s2 complete-phase')} exits 1 and prints the failed command and the end of its output. Fix, commit, run it again. After ${plan.polling.maxAttempts} failed attempts the phase is in error and is refused until a person runs ${code('s2 reset-phase N')}.`,
    `- **A blocker went silent**: its heartbeat is stale after ${3 * plan.polling.heartbeatSeconds + plan.polling.intervalSeconds} s; the view says STUCK_BLOCKER; see adoption under the blocker help protocol.`,
  ];
}
