import { S2Error } from '../../core/errors';
import * as vscode from 'vscode';
import type { HelpClaim } from '../../core/records';
import type { SwarmView } from '../../core/viewTypes';
import { autoHelp, claimHelp } from '../../loop/helpOps';
import type { SwarmHost } from '../swarmHost';
import { refArg } from './commandErrors';

/**
 * "S2: Help Blocker". With no target it takes this session's best gang-up task (the same plan
 * every session computes from the snapshot); when the plan has none for us, or a blocker was
 * chosen in the tree, the user picks the blocker and the task. The claim goes through the
 * engine's canHelp guard and is recorded in this session's own status.
 */
export async function helpBlocker(host: SwarmHost, arg?: unknown): Promise<HelpClaim | undefined> {
  const view = host.view;
  const me = host.me;
  if (!view || !me) throw new S2Error('USAGE', 'no session for this workspace: run "S2: Select Session" first');
  const given = refArg(arg);
  let claim: HelpClaim;
  if (!given && view.gangUp.some((p) => p.tasks.some((t) => t.helper === me && !t.claimed))) {
    claim = await host.run((s) => autoHelp(s));
  } else {
    const target: { session: string; phase?: number; task?: string } | undefined =
      given ?? (await pickBlocker(view, me));
    if (!target) return undefined;
    const phase =
      target.phase ?? Number(view.blockers.find((b) => b.session === target.session)?.phases[0]?.split(':')[1] ?? 0);
    const ref = `${target.session}:${phase}`;
    const task = target.task ?? (await pickTask(view, me, target.session, phase));
    if (!task) return undefined;
    claim = await host.run((s) => claimHelp(s, ref, task));
  }
  void vscode.window.showInformationMessage(
    `S²: ${me} helps ${claim.session}:${claim.phase} (${claim.side}): ${claim.task}`,
  );
  return claim;
}

async function pickBlocker(view: SwarmView, me: string): Promise<{ session: string; phase: number } | undefined> {
  const items = view.blockers
    .filter((b) => b.session !== me)
    .flatMap((b) =>
      b.phases.map((ref) => ({
        label: ref,
        description: `blocks ${b.blocks.join(', ')} (${b.transitive} waiting)${b.stalled ? ' · stalled' : ''}`,
        ref,
      })),
    );
  if (!items.length) {
    void vscode.window.showInformationMessage('S²: no session blocks another — nobody needs help right now.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: 'S²: Help which blocker?',
    placeHolder: 'Blockers, the one most sessions wait on first',
  });
  if (!pick) return undefined;
  const [session, phase] = pick.ref.split(':');
  return { session: session!, phase: Number(phase) };
}

async function pickTask(view: SwarmView, me: string, blocker: string, phase: number): Promise<string | undefined> {
  const plan = view.gangUp.find((p) => p.blocker === blocker && p.phase === phase);
  const open = (plan?.tasks ?? []).filter((t) => !t.claimed);
  const own = '$(edit) Describe your own task…';
  const items = [
    ...open.map((t) => ({
      label: t.task,
      description: t.helper === me ? 'planned for you' : `planned for ${t.helper}`,
    })),
    { label: own, description: '' },
  ];
  const pick =
    items.length === 1
      ? items[0]
      : await vscode.window.showQuickPick(items, { title: `S²: How will ${me} help ${blocker}:${phase}?` });
  if (!pick) return undefined;
  if (pick.label !== own) return pick.label;
  return vscode.window.showInputBox({
    title: `S²: Help ${blocker}:${phase}`,
    prompt: 'What will you do for the blocker? (recorded in your status, visible to every session)',
    validateInput: (v) => (v.trim() ? undefined : 'say what you will do'),
  });
}
