import { diffViews, eventsOf, SwarmEvent } from './events';
import type { SwarmView } from './viewTypes';

/**
 * Which alerts a loop has raised, so each is raised once while it holds — and again if it
 * clears and comes back. The polling loop and a window that only watches share this one
 * bookkeeping (they had drifted: the watching window never forgot a key, so a blocker that
 * cleared and returned was never alerted again). `unblocked:` keys are news, not states: they
 * are kept, so the same unblocking is not announced twice.
 */
export class AlertKeys {
  private readonly alerted = new Set<string>();
  private prev: SwarmView | null = null;

  /** The events of `view` for `me` that are news since the last view, remembered as raised. */
  next(view: SwarmView, me: string | null): SwarmEvent[] {
    const events = diffViews(this.prev, view, me, this.alerted);
    for (const e of events) this.alerted.add(e.key);
    const live = new Set(eventsOf(view, me).map((e) => e.key));
    for (const k of [...this.alerted]) if (!live.has(k) && !k.startsWith('unblocked:')) this.alerted.delete(k);
    this.prev = view;
    return events;
  }

  /** The keys raised and still holding (tests, diagnostics). */
  get raised(): ReadonlySet<string> {
    return this.alerted;
  }
}
