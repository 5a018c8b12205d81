import { S2Error } from '../../core/errors';
import * as vscode from 'vscode';
import type { HelpClaim } from '../../core/records';
import type { SwarmView } from '../../core/viewTypes';
import { claimHelp } from '../../loop/helpOps';
import { escapeLinks } from '../messageText';
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
  const opts = arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
  let plan: { ref: string; task: string; side: 'provider' | 'consumer' | null } | undefined;
  const mine = view.gangUp.flatMap((p) =>
    p.tasks
      .filter((t) => t.helper === me && !t.claimed)
      .map((t) => ({ ref: `${p.blocker}:${p.phase}`, task: t.task, side: t.side })),
  );
  if (!given && mine.length) plan = mine[0];
  else {
    const target: { session: string; phase?: number; task?: string } | undefined =
      given ?? (await pickBlocker(view, me));
    if (!target) return undefined;
    const phase =
      target.phase ?? Number(view.blockers.find((b) => b.session === target.session)?.phases[0]?.split(':')[1] ?? 0);
    const ref = `${target.session}:${phase}`;
    const task = target.task ?? (await pickTask(view, me, target.session, phase));
    if (!task) return undefined;
    const side = view.gangUp
      .find((p) => p.blocker === target.session && p.phase === phase)
      ?.tasks.find((t) => t.task === task)?.side;
    plan = { ref, task, side: side ?? null };
  }
  // Never replace a claim silently, and ask before claiming unless a caller passed the task itself.
  const current = view.sessions.find((s) => s.id === me)?.helping;
  const replaces = current ? `${current.session}:${current.phase}` : null;
  const ask = opts['confirmed'] !== true && (!given?.task || replaces !== null);
  if (ask) {
    const detail = [
      `Task: ${plan.task}`,
      plan.side ? sideWords(plan.side, plan.ref) : '',
      replaces ? `This replaces ${me}'s claim on ${replaces} (${current!.task}).` : '',
      'The claim is recorded in your status; every session sees it.',
    ]
      .filter(Boolean)
      .join('\n');
    const yes = replaces ? 'Replace Claim' : 'Help';
    const pick = await vscode.window.showInformationMessage(
      escapeLinks(`S²: ${me} helps ${plan.ref}?`),
      { modal: true, detail: escapeLinks(detail) },
      yes,
    );
    if (pick !== yes) return undefined;
  }
  const chosen = plan;
  const claim = await host.run((s) => claimHelp(s, chosen.ref, chosen.task));
  void vscode.window.showInformationMessage(
    escapeLinks(
      `S²: ${me} helps ${claim.session}:${claim.phase} — ${claim.task} (${sideWords(claim.side, `${claim.session}:${claim.phase}`)})`,
    ),
  );
  return claim;
}

/** The side of an integration in words: whose code the helper works in. */
export function sideWords(side: 'provider' | 'consumer', ref: string): string {
  const owner = ref.split(':')[0];
  return side === 'provider'
    ? `on ${owner}'s side: building what ${ref} provides`
    : `on your own side: the code that will use what ${ref} provides, against a stub until it lands`;
}

async function pickBlocker(view: SwarmView, me: string): Promise<{ session: string; phase: number } | undefined> {
  const items = view.blockers
    .filter((b) => b.session !== me)
    .flatMap((b) =>
      b.phases.map((ref) => ({
        label: ref,
        description: `${b.blocks.join(', ')} wait${b.blocks.length === 1 ? 's' : ''} on it (${b.transitive} in all)${b.stalled ? ' · stalled' : ''}`,
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
      description: `${t.helper === me ? 'planned for you' : `planned for ${t.helper}`} · ${sideWords(t.side, `${blocker}:${phase}`)}`,
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
