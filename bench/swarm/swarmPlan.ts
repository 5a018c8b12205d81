/**
 * The swarm that `npm run swarm` runs: the v1 design's shape (7 coordinator sessions, 10
 * phases each, sip:4 the blocker that ndi, webrtc, h323 and talent wait on, sip:1 waiting on
 * h323:1 and webrtc:1, talent:6 on sip:6 — as `s2 import v1` reads the real v1 swarm), plus
 * a few more needs so that every session waits on someone once. Phase durations are drawn
 * per seed; everything else is fixed so runs differ only by the seed and the mode.
 */
import { prng } from '../lib/util';

export const SESSIONS = ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent', 'bus'] as const;
export type SessionId = (typeof SESSIONS)[number];

export const EXPERTISE: Record<SessionId, readonly string[]> = {
  ndi: ['ndi', 'video'],
  webrtc: ['webrtc', 'media'],
  h323: ['h323', 'voip'],
  sip: ['sip', 'voip'],
  cli: ['cli', 'tooling'],
  talent: ['talent', 'ui'],
  bus: ['bus', 'ndi'],
};

/** `needs` per session and phase: the v1 ones first, then the added ones. */
export const NEEDS: Record<string, readonly string[]> = {
  'sip:1': ['h323:1', 'webrtc:1'],
  'ndi:4': ['sip:4'],
  'webrtc:4': ['sip:4'],
  'h323:4': ['sip:4'],
  'talent:4': ['sip:4'],
  'talent:6': ['sip:6'],
  // added: cli and bus wait too, and ndi:7 has two consumers (one adopts, one verifies)
  'cli:5': ['h323:4'],
  'bus:8': ['ndi:7'],
  'webrtc:8': ['ndi:7'],
  'cli:9': ['talent:8'],
};

/** Help tasks the blocker phases post (the v1 ones for sip:4). */
export const HELP_TASKS: Record<string, readonly string[]> = {
  'sip:4': [
    'Fixing NDI side of SIP-NDI bridge',
    'Fixing WebRTC side of SIP-WebRTC bridge',
    'Fixing H.323 side of SIP-H.323 bridge',
  ],
  'ndi:7': ['NDI monitoring codec validation'],
};

export type Mode = 'gang-up' | 'no-gang-up' | 'v1';
export const MODES: readonly Mode[] = ['gang-up', 'no-gang-up', 'v1'];

/** The faults injected into every run (v1 gets the same ones; it has no guard that notices them). */
export interface Faults {
  /** Session killed (loop and agent, SIGKILL) in the middle of this phase, restarted after `restartAfter` model seconds. */
  readonly kill: { readonly session: SessionId; readonly phase: number; readonly restartAfter: number };
  /** Session that goes silent in this phase and comes back only after it was adopted (or `maxSilence`). */
  readonly silent: { readonly session: SessionId; readonly phase: number; readonly maxSilence: number };
  /** A completion whose API change fails its consumer's verification until the consumer adapts. */
  readonly badCompletion: { readonly session: SessionId; readonly phase: number; readonly consumer: SessionId };
  /** This many concurrent sub-agent spawns through `s2 hook claude` in this phase. */
  readonly spawnStorm: { readonly session: SessionId; readonly phase: number; readonly spawns: number };
  /** A session with a small budget; the person approves more this many model seconds after the stop. */
  readonly budget: { readonly session: SessionId; readonly budgetUsd: number; readonly approveAfter: number };
}

export const FAULTS: Faults = {
  kill: { session: 'webrtc', phase: 6, restartAfter: 60 },
  silent: { session: 'ndi', phase: 7, maxSilence: 1800 },
  badCompletion: { session: 'sip', phase: 6, consumer: 'talent' },
  spawnStorm: { session: 'cli', phase: 3, spawns: 12 },
  budget: { session: 'talent', budgetUsd: 4, approveAfter: 90 },
};

export interface RunSettings {
  readonly mode: Mode;
  readonly seed: number;
  /** Real seconds per model second: 0.05 runs a 2-minute phase in 6 s. */
  readonly scale: number;
  readonly phases: number;
  readonly topology: 'worktree' | 'remote';
  /** Each active helper on the blocker's phase adds this to its rate of progress (0.5: two helpers → 2×). */
  readonly helpFactor: number;
  /** Dollars per model second of agent work (phase work and help alike). */
  readonly usdPerSecond: number;
  /** Model seconds of a phase: drawn uniformly from [min, max]; sip:4 (the v1 blocker) takes `blockerFactor` times it. */
  readonly phaseSeconds: { readonly min: number; readonly max: number; readonly blockerFactor: number };
  /** Give up (and fail) after this many real seconds. */
  readonly timeoutSeconds: number;
}

export const DEFAULTS: Omit<RunSettings, 'mode' | 'seed'> = {
  scale: 0.05,
  phases: 10,
  topology: 'worktree',
  helpFactor: 0.5,
  usdPerSecond: 0.01,
  phaseSeconds: { min: 40, max: 120, blockerFactor: 3 },
  timeoutSeconds: 600,
};

/** Model seconds of every phase, `session:phase` → seconds, drawn from the seed. */
export function drawDurations(s: Pick<RunSettings, 'seed' | 'phases' | 'phaseSeconds'>): Record<string, number> {
  const rnd = prng(s.seed);
  const out: Record<string, number> = {};
  for (const id of SESSIONS)
    for (let n = 1; n <= s.phases; n++) {
      const base = s.phaseSeconds.min + rnd() * (s.phaseSeconds.max - s.phaseSeconds.min);
      out[`${id}:${n}`] = Math.round(base * (id === 'sip' && n === 4 ? s.phaseSeconds.blockerFactor : 1));
    }
  return out;
}

/** The phases that need `ref` (in a run of `phases` phases). */
export function consumersOf(ref: string, phases: number): string[] {
  return Object.entries(needsFor(phases))
    .filter(([, v]) => v.includes(ref))
    .map(([k]) => k);
}

/** Needs that fit in `phases` (a CI-sized run may have fewer phases). */
export function needsFor(phases: number): Record<string, readonly string[]> {
  const fits = (ref: string): boolean => Number(ref.split(':')[1]) <= phases;
  return Object.fromEntries(
    Object.entries(NEEDS)
      .filter(([k]) => fits(k))
      .map(([k, v]) => [k, v.filter(fits)]),
  );
}
