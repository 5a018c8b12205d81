/**
 * A person's waits and help claims in the editor, as `s2 block --on/--clear` and
 * `s2 help --release` do: declare a wait with its reason, clear it, release a help claim.
 */
import * as vscode from 'vscode';
import { S2Error } from '../../core/errors';
import { isPhaseRef } from '../../core/phaseRef';
import { releaseHelp } from '../../loop/helpOps';
import { declareBlock } from '../../loop/phaseOps';
import type { SwarmHost } from '../swarmHost';
import { escapeLinks } from '../messageText';
import { refArg } from './commandErrors';

function requireMe(host: SwarmHost): string {
  if (!host.me || !host.view)
    throw new S2Error('USAGE', 'no session for this workspace: run "S2: Select Session" first');
  return host.me;
}

export async function clearWaitCommand(host: SwarmHost): Promise<boolean> {
  const me = requireMe(host);
  const mine = host.view!.sessions.find((s) => s.id === me)!;
  const declared = Object.keys(mine.waitReasons);
  if (!declared.length) {
    void vscode.window.showInformationMessage(`S²: ${me} has no declared wait to clear.`);
    return false;
  }
  await host.run((s) => declareBlock(s, null, ''));
  void vscode.window.showInformationMessage(escapeLinks(`S²: ${me} no longer waits on ${declared.join(', ')}.`));
  return true;
}

export async function declareWaitCommand(host: SwarmHost, arg?: unknown): Promise<string | undefined> {
  const me = requireMe(host);
  const view = host.view!;
  const given = arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
  const target = refArg(arg);
  let on = target?.phase ? `${target.session}:${target.phase}` : undefined;
  if (!on) {
    const items = view.sessions
      .filter((s) => s.id !== me)
      .flatMap((s) =>
        s.phases
          .filter((p) => !['verified', 'done', 'disputed'].includes(p.state))
          .map((p) => ({ label: `${s.id}:${p.phase}`, description: `${p.title} · ${p.state}` })),
      );
    const pick = await vscode.window.showQuickPick(items, {
      title: `S²: Which phase does ${me} wait on?`,
      matchOnDescription: true,
    });
    if (!pick) return undefined;
    on = pick.label;
  }
  if (!isPhaseRef(on)) throw new S2Error('USAGE', `not a phase: "${on}" (session:phase, e.g. sip:4)`);
  let reason = typeof given['reason'] === 'string' ? given['reason'] : undefined;
  if (reason === undefined) {
    reason = await vscode.window.showInputBox({
      title: `S²: ${me} waits on ${on}`,
      prompt: 'Why? Every session sees this reason beside the wait.',
      validateInput: (v) => (v.trim() ? undefined : 'say what you need from it'),
    });
    if (reason === undefined) return undefined;
  }
  await host.run((s) => declareBlock(s, on!, reason!.trim()));
  void vscode.window.showInformationMessage(escapeLinks(`S²: ${me} waits on ${on}: ${reason.trim()}`));
  return on;
}

export async function releaseHelpCommand(host: SwarmHost): Promise<boolean> {
  const me = requireMe(host);
  const claim = host.view!.sessions.find((s) => s.id === me)?.helping;
  if (!claim) {
    void vscode.window.showInformationMessage(`S²: ${me} has no help claim to release.`);
    return false;
  }
  await host.run((s) => releaseHelp(s));
  void vscode.window.showInformationMessage(
    escapeLinks(`S²: ${me} no longer helps ${claim.session}:${claim.phase} (${claim.task}).`),
  );
  return true;
}
