import { S2Error } from '../../core/errors';
import * as vscode from 'vscode';
import { completePhase, startPhase } from '../../loop/phaseOps';
import { verifyCompletion } from '../../loop/verifyOps';
import type { SwarmHost } from '../swarmHost';

/**
 * Start and complete this session's open phase, through the same guards as `s2 start-phase`
 * and `s2 complete-phase`: a refusal comes back with every reason.
 */
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
  void vscode.window
    .showErrorMessage(
      `S²: ${me}:${phase} validation failed: \`${failed?.command}\` ${failed?.timedOut ? 'timed out' : `exited ${failed?.exitCode}`} (attempt ${r.attempts}${r.error ? ', now in error — a person must look' : ''})`,
      'Show Log',
    )
    .then((p) => {
      if (p) host.log.show();
    });
  return false;
}
