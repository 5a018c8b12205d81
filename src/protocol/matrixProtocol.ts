/**
 * The one message module between the extension host and the Dependency Matrix webview.
 * The host sends full snapshots (`matrix/update`), never deltas; the webview announces
 * `webview/ready` and the host answers with the current snapshot. Messages from the webview
 * are untrusted: they are parsed with `parseWebviewMessage` and dropped when invalid.
 * media/matrix.js imports these types through JSDoc only (see media/jsconfig.json).
 */
import { z } from 'zod';
import type { PhaseState } from '../core/viewTypes';

export const MATRIX_VIEW_TYPE = 's2.matrix';

/** A phase's state as the engine computes it, or `none` past a session's last phase. */
export type CellState = PhaseState | 'none';

export interface MatrixCell {
  readonly session: string;
  readonly phase: number;
  readonly state: CellState;
  readonly title: string;
  /** Unmet needs and declared waits, as `session:phase`: each links to its blocker's cell. */
  readonly blockedBy: readonly string[];
  /** The cell is one end of a wait inside a deadlock cycle. */
  readonly inCycle: boolean;
  /** Other sessions wait on this phase. */
  readonly awaited: boolean;
  readonly critical: boolean;
  readonly label: string;
}

export interface MatrixRow {
  readonly session: string;
  readonly title: string;
  readonly state: string;
  readonly me: boolean;
  readonly topBlocker: boolean;
  readonly inCycle: boolean;
  readonly summary: string;
  /** What the session's agent waits on a person for, or null. */
  readonly awaitingInput: string | null;
  readonly cells: readonly MatrixCell[];
}

export interface MatrixModel {
  readonly snapshot: string;
  readonly swarm: string;
  readonly now: string;
  readonly me: string | null;
  readonly phaseCount: number;
  readonly rows: readonly MatrixRow[];
  readonly deadlocks: readonly { readonly sessions: readonly string[]; readonly text: string }[];
}

/** Host → webview. Trusted (we build them), so plain types. */
export type HostMessage =
  | { readonly type: 'matrix/update'; readonly model: MatrixModel }
  | { readonly type: 'matrix/empty'; readonly reason: string };

const Ref = z.object({ session: z.string().min(1).max(100), phase: z.number().int().positive().max(1000) });

/** Webview → host: untrusted input, a zod discriminated union. */
export const WebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webview/ready') }),
  /** A click or Enter on a cell: reveal it in the Swarm tree and open its record. */
  z.object({ type: z.literal('cell/open') }).merge(Ref),
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;

/** Parse a message from the webview; null (and the reason) when it is not one we accept. */
export function parseWebviewMessage(
  raw: unknown,
): { ok: true; message: WebviewMessage } | { ok: false; error: string } {
  const r = WebviewMessage.safeParse(raw);
  return r.success
    ? { ok: true, message: r.data }
    : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ') };
}
