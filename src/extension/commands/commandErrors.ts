/**
 * Every command runs through this: an engine refusal (S2Error REFUSED with its reasons) or
 * any other failure becomes one readable error message, never an unhandled rejection.
 */
import * as vscode from 'vscode';
import { z } from 'zod';
import { errorMessage, S2Error } from '../../core/errors';
import { Refusal, refusalLine } from '../../core/refusal';
import { escapeLinks, inWords } from '../messageText';

export function guarded<A extends unknown[]>(
  title: string,
  log: vscode.LogOutputChannel,
  fn: (...args: A) => Promise<unknown>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      const msg = describe(e);
      log.error(`${title}: ${msg}`);
      // The whole message in one line, never cut: the reasons come from records and the engine.
      void vscode.window.showErrorMessage(escapeLinks(`"${title}" failed: ${inWords(msg)}`));
    }
  };
}

export function describe(e: unknown): string {
  if (e instanceof S2Error) {
    // A guard's refusal: its typed reasons, each with its code, as the CLI prints them.
    const typed = z.array(Refusal).safeParse(e.data['refusals']);
    const reasons = typed.success
      ? typed.data.map(refusalLine)
      : Array.isArray(e.data['reasons'])
        ? (e.data['reasons'] as unknown[]).map(String)
        : [];
    return reasons.length ? `refused — ${reasons.join('; ')}` : e.message;
  }
  return errorMessage(e);
}

/** Whether a value looks like `{ session: string, phase?: number }` (tree nodes, alert args, tests). */
export function refArg(v: unknown): { session: string; phase?: number; task?: string } | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (typeof o['session'] !== 'string') return null;
  return {
    session: o['session'],
    ...(typeof o['phase'] === 'number' ? { phase: o['phase'] } : {}),
    ...(typeof o['task'] === 'string' ? { task: o['task'] } : {}),
  };
}
