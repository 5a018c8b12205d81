/**
 * Every `s2.*` setting, read in one place. The engine never sees VS Code settings: the host
 * turns them into plain options for the session and the loop.
 */
import * as vscode from 'vscode';

export type AlertLevel = 'all' | 'mine' | 'off';
export type ExecutorMode = 'manifest' | 'off';

export interface S2Settings {
  /** The session this workspace acts as; empty: S2_SESSION, then the checked-out branch. */
  readonly session: string;
  /** Seconds between ticks; 0 takes the manifest's polling.intervalSeconds. */
  readonly pollIntervalSeconds: number;
  /** Whether the loop runs the manifest's executor for new instructions. */
  readonly executor: ExecutorMode;
  /** Which loop events become notifications (diagnostics always show). */
  readonly alertLevel: AlertLevel;
  /** At most this many notifications per tick; the rest are summed up in one. */
  readonly maxAlertsPerTick: number;
  readonly autoStartLoop: boolean;
  /** Approver-key fingerprints the swarm's genesis manifest must be signed with (docs/TRUST.md). */
  readonly trustFingerprints: readonly string[];
}

export function readSettings(): S2Settings {
  // s2.session is resource-scoped: read it for the workspace folder (else VS Code logs a warning on every read).
  const c = vscode.workspace.getConfiguration('s2', vscode.workspace.workspaceFolders?.[0]?.uri ?? null);
  return {
    session: c.get<string>('session', '').trim(),
    pollIntervalSeconds: Math.max(0, c.get<number>('pollIntervalSeconds', 0)),
    executor: c.get<ExecutorMode>('executor', 'manifest') === 'off' ? 'off' : 'manifest',
    alertLevel: oneOf(c.get<string>('alertLevel', 'mine'), ['all', 'mine', 'off'] as const, 'mine'),
    maxAlertsPerTick: Math.max(1, c.get<number>('maxAlertsPerTick', 3)),
    autoStartLoop: c.get<boolean>('autoStartLoop', true),
    trustFingerprints: c.get<string[]>('trustFingerprints', []).filter((x) => typeof x === 'string' && x.trim()),
  };
}

/** Fires when any `s2.*` setting changes. */
export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('s2')) listener();
  });
}

function oneOf<T extends string>(v: string, all: readonly T[], fallback: T): T {
  return (all as readonly string[]).includes(v) ? (v as T) : fallback;
}
