import type { SwarmEvent } from '../core/events';
import type { SwarmView } from '../core/viewTypes';

/** What one tick of the guarded polling loop did, and what it cost. */
export interface TickResult {
  readonly tick: number;
  readonly view: SwarmView;
  readonly events: readonly SwarmEvent[];
  /** Whether a fetch ran (remote topology, remote tips changed). */
  readonly fetched: boolean;
  readonly fetchError: string | null;
  /** Child processes spawned during this tick (git included). */
  readonly processes: number;
  readonly durationMs: number;
  readonly heartbeat: boolean;
  /** What the loop did through the guards: "started phase 3", "refused sip/phase-4: …". */
  readonly actions: readonly string[];
  /** Milliseconds until the next tick (interval with jitter, or backoff after a failure). */
  readonly nextDelayMs: number;
}

export interface PollerOptions {
  readonly intervalSeconds?: number;
  readonly jitter?: number;
  /** Act on instructions (acknowledge, start phases, retry); false only watches (s2 mcp). Default true. */
  readonly act?: boolean;
  /** Run the executor for new instructions (default: only when the manifest has one). */
  readonly execute?: boolean;
  /** Write heartbeats (default true when the loop has a session). */
  readonly heartbeat?: boolean;
  readonly log?: (line: string) => void;
}
