/**
 * What the Claude Code hook answers when S² itself cannot read the swarm (a poisoned branch,
 * a broken repository): a sub-agent spawn is denied at once (a spawn is where a rogue gains
 * the most while the caps cannot be checked); every other call is let through, with the
 * reason on stderr, until the swarm has been unreadable for longer than
 * `S2_HOOK_BLIND_SECONDS` (default 300 s), after which everything is denied. The time of the
 * first failure since the last good read is kept in `.git/s2/hook-health.json`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SUBAGENT_TOOLS } from '../core/hookDecision';
import { openRepo } from '../git/repoContext';
import { writeFileAtomic } from '../git/atomicWrite';

export const DEFAULT_BLIND_SECONDS = 300;

interface Health {
  okAt?: string | null;
  failingSince?: string | null;
}

function healthFile(commonDir: string): string {
  return path.join(commonDir, 's2', 'hook-health.json');
}

async function readHealth(file: string): Promise<Health> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Health;
  } catch {
    return {};
  }
}

async function writeHealth(file: string, h: Health): Promise<void> {
  try {
    await writeFileAtomic(file, JSON.stringify(h));
  } catch {
    /* best effort: without it the next failure counts from then */
  }
}

/** A hook call read the swarm: the blind clock stops. */
export async function noteHookHealthy(commonDir: string, now: Date): Promise<void> {
  const file = healthFile(commonDir);
  const h = await readHealth(file);
  if (h.failingSince || !h.okAt || now.getTime() - Date.parse(h.okAt) > 10_000)
    await writeHealth(file, { okAt: now.toISOString(), failingSince: null });
}

export interface FailureVerdict {
  readonly deny: boolean;
  readonly reason: string;
}

export async function hookFailureVerdict(
  repo: string,
  stdinText: string,
  why: string,
  now: Date,
  env: NodeJS.ProcessEnv,
  failClosed: boolean,
): Promise<FailureVerdict> {
  let spawn = false;
  try {
    const input = JSON.parse(stdinText) as { hook_event_name?: unknown; tool_name?: unknown };
    spawn = input.hook_event_name === 'PreToolUse' && SUBAGENT_TOOLS.has(String(input.tool_name ?? ''));
  } catch {
    /* not JSON: no call to judge */
  }
  const limit = Number(env['S2_HOOK_BLIND_SECONDS'] ?? DEFAULT_BLIND_SECONDS);
  let since = now;
  try {
    const file = healthFile((await openRepo(repo)).commonDir);
    const h = await readHealth(file);
    if (h.failingSince && Number.isFinite(Date.parse(h.failingSince))) since = new Date(h.failingSince);
    else await writeHealth(file, { ...h, failingSince: now.toISOString() });
  } catch {
    /* no repository to keep the clock in: only this call counts */
  }
  const blindFor = Math.round((now.getTime() - since.getTime()) / 1000);
  if (failClosed || spawn || blindFor > limit)
    return {
      deny: true,
      reason: `S² could not read the swarm (${why}); ${
        failClosed
          ? 'the hook runs with --fail-closed'
          : spawn
            ? 'a sub-agent spawn is refused while the agent cap and the budget cannot be checked'
            : `it has been unreadable for ${blindFor} s (limit ${limit} s, S2_HOOK_BLIND_SECONDS), so every call is refused`
      }. Run s2 validate to see why.`,
    };
  return {
    deny: false,
    reason: `s2 hook: ${why} (call allowed: the swarm has been unreadable for ${blindFor} s; every call is refused after ${limit} s, spawns at once)`,
  };
}
