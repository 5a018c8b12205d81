/**
 * Start and complete this session's open phase, through the same guards as `s2 start-phase`
 * and `s2 complete-phase`: a refusal comes back with every reason.
 */
import { S2Error } from '../../core/errors';
import * as vscode from 'vscode';
import { adoptPhase } from '../../loop/helpOps';
import { completePhase, resetPhase, startPhase } from '../../loop/phaseOps';
import { verifyCompletion } from '../../loop/verifyOps';
import { escapeLinks } from '../messageText';
import type { SwarmHost } from '../swarmHost';
import { refArg } from './commandErrors';

function openPhase(host: SwarmHost, arg: unknown): { me: string; phase: number } {
  const me = host.me;
  const mine = me ? host.view?.sessions.find((s) => s.id === me) : undefined;
  if (!me || !mine) throw new S2Error('USAGE', 'no session for this workspace: run "S2: Select Session" first');
  const phase = typeof arg === 'number' ? arg : mine.phase;
  if (phase > mine.phaseCount) throw new S2Error('USAGE', `${me} has completed all ${mine.phaseCount} phases`);
  return { me, phase };
}

export async function startPhaseCommand(host: SwarmHost, arg?: unknown): Promise<number> {
  const { me, phase } = openPhase(host, arg);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `S²: starting ${me}:${phase}…` },
    () => host.run((s) => startPhase(s, phase, { autoVerify: true, verify: (ref) => verifyCompletion(s, ref) })),
  );
  void vscode.window.showInformationMessage(`S²: ${me} started phase ${phase}`);
  return phase;
}

export async function completePhaseCommand(host: SwarmHost, arg?: unknown): Promise<boolean> {
  const { me, phase } = openPhase(host, arg);
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `S²: validating ${me}:${phase}…` },
    () => host.run((s) => completePhase(s, phase)),
  );
  if (r.passed) {
    void vscode.window.showInformationMessage(
      `S²: ${me}:${phase} complete at ${r.commit.slice(0, 12)} (${r.validations.length} validation command(s) passed)`,
    );
    return true;
  }
  const failed = r.validations[r.validations.length - 1];
  host.log.error(`validation of ${me}:${phase} failed: ${failed?.command}\n${failed?.outputTail ?? ''}`);
  const max = host.view?.sessions.find((s) => s.id === me)?.attempts?.max;
  void vscode.window
    .showErrorMessage(
      escapeLinks(
        `S²: ${me}:${phase} validation failed: \`${failed?.command}\` ${failed?.timedOut ? 'timed out' : `exited ${failed?.exitCode}`} (attempt ${r.attempts}${max ? ` of ${max}` : ''}${r.error ? ', now in error — a person must look, then run "S2: Reset Phase"' : ''})`,
      ),
      'Show Log',
    )
    .then((p) => {
      if (p) host.log.show();
    });
  return false;
}

/** "S2: Verify Completion": merge another session's completed phase in a temp worktree, run the checks, sign the verdict. */
export async function verifyCompletionCommand(host: SwarmHost, arg?: unknown): Promise<string | undefined> {
  const me = host.me;
  const view = host.view;
  if (!me || !view) throw new S2Error('USAGE', 'no session for this workspace: run "S2: Select Session" first');
  const given = refArg(arg);
  let ref = given?.phase ? `${given.session}:${given.phase}` : undefined;
  if (!ref) {
    const items = view.sessions
      .filter((s) => s.id !== me)
      .flatMap((s) =>
        s.phases
          .filter((p) => p.commit && !p.verifiedBy.includes(me))
          .map((p) => ({ label: `${s.id}:${p.phase}`, description: `${p.title} · ${p.state}` })),
      );
    if (!items.length) {
      void vscode.window.showInformationMessage(`S²: no completion is waiting for ${me} to verify it.`);
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { title: `S²: Which completion does ${me} verify?` });
    if (!pick) return undefined;
    ref = pick.label;
  }
  const target = ref;
  const v = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `S²: ${me} verifies ${target}`, cancellable: false },
    (progress) => {
      progress.report({ message: 'merging in a temporary worktree and running the checks…' });
      return host.run((s) => verifyCompletion(s, target));
    },
  );
  const words = v.result === 'pass' ? 'passes' : v.result === 'conflict' ? 'does not merge' : 'fails its checks';
  const show = v.result === 'pass' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  void show(escapeLinks(`S²: ${target} ${words} — verified by ${me}${v.detail ? `: ${v.detail}` : ''}`));
  return v.result;
}

/** "S2: Reset Phase": a person looked at a phase in error and lets the loop try it again. */
export async function resetPhaseCommand(host: SwarmHost, arg?: unknown): Promise<number | undefined> {
  const me = host.me;
  const mine = me ? host.view?.sessions.find((s) => s.id === me) : undefined;
  if (!me || !mine) throw new S2Error('USAGE', 'no session for this workspace: run "S2: Select Session" first');
  const given = refArg(arg);
  const phase = given?.phase ?? (typeof arg === 'number' ? arg : mine.phase);
  const p = mine.phases[phase - 1];
  if (!p || p.state !== 'error') {
    void vscode.window.showInformationMessage(
      `S²: ${me}:${phase} is not in error (it is ${p?.state ?? 'not a phase'}).`,
    );
    return undefined;
  }
  const why = mine.attempts ? ` after ${mine.attempts.count} attempts (${mine.attempts.lastError})` : '';
  const confirmed = !!arg && typeof arg === 'object' && (arg as Record<string, unknown>)['confirmed'] === true;
  const ok = confirmed
    ? 'Reset Phase'
    : await vscode.window.showWarningMessage(
        escapeLinks(`S²: reset ${me}:${phase}? It went to error${why}; the loop will try it again.`),
        { modal: true },
        'Reset Phase',
      );
  if (ok !== 'Reset Phase') return undefined;
  await host.run((s) => resetPhase(s, phase));
  void vscode.window.showInformationMessage(`S²: ${me}:${phase} reset; the attempts start again at 1.`);
  return phase;
}

/** "S2: Adopt Phase": take over a stalled blocker's open phase (refused unless it is stalled). */
export async function adoptPhaseCommand(host: SwarmHost, arg?: unknown): Promise<string | undefined> {
  const me = host.me;
  const view = host.view;
  if (!me || !view) throw new S2Error('USAGE', 'no session for this workspace: run "S2: Select Session" first');
  const given = refArg(arg);
  let ref = given ? `${given.session}:${given.phase ?? view.sessions.find((s) => s.id === given.session)?.phase}` : '';
  if (!ref) {
    const items = view.blockers
      .filter((b) => b.stalled && b.session !== me)
      .flatMap((b) => b.phases.map((r) => ({ label: r, description: `${b.transitive} waiting · stalled` })));
    if (!items.length) {
      void vscode.window.showInformationMessage('S²: no stalled blocker to adopt.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { title: `S²: Which stalled phase does ${me} adopt?` });
    if (!pick) return undefined;
    ref = pick.label;
  }
  await host.run((s) => adoptPhase(s, ref));
  void vscode.window.showInformationMessage(escapeLinks(`S²: ${me} adopted ${ref}.`));
  return ref;
}
