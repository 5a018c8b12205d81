import { S2Error } from '../../core/errors';
import { intArg, positiveNumberArg } from '../args';
import { LoopHost } from '../../loop/loopHost';
import type { TickResult } from '../../loop/pollerTypes';
import type { Command } from '../cliTypes';

export const pollCommand: Command = {
  name: 'poll',
  summary: 'Run the guarded polling loop for this session (fetch → read → view → events → act → heartbeat)',
  usage: 'poll [--once] [--ticks N] [--interval SECONDS] [--no-execute] [--json]',
  maxPositionals: 0,
  stopsOnAbort: true,
  options: {
    once: { type: 'boolean', description: 'run one tick and exit' },
    ticks: { type: 'string', description: 'run N ticks and exit' },
    interval: {
      type: 'string',
      description: "seconds between ticks (default: the manifest's polling.intervalSeconds)",
    },
    'no-execute': { type: 'boolean', description: 'never run the executor; only watch, alert and heartbeat' },
  },
  details:
    'One loop per session per machine (a lock in .git/s2/locks, taken over when its owner is gone). --json prints one event per line.',
  async run(ctx) {
    const ticksText = ctx.values['ticks'] as string | undefined;
    const intervalText = ctx.values['interval'] as string | undefined;
    if (ctx.values['once'] && ticksText !== undefined)
      throw new S2Error('USAGE', '--once and --ticks N say the same thing; give one', { argument: '--ticks' });
    const ticks = ticksText === undefined ? undefined : intArg('--ticks', ticksText, { min: 1 });
    const interval = intervalText === undefined ? undefined : positiveNumberArg('--interval', intervalText);
    const s = await ctx.open();
    const host = new LoopHost(s, {
      intervalSeconds: interval,
      execute: !ctx.values['no-execute'],
      log: (l) => ctx.io.stderr(`${l}\n`),
      whenLocked: 'refuse',
      ticks: ctx.values['once'] ? 1 : ticks,
    });
    const print = (r: TickResult): void => {
      if (ctx.flags.json) {
        for (const e of r.events) ctx.io.stdout(`${JSON.stringify({ kind: 'event', tick: r.tick, ...e })}\n`);
        ctx.io.stdout(
          `${JSON.stringify({ kind: 'tick', tick: r.tick, snapshot: r.view.snapshot, fetched: r.fetched, fetchError: r.fetchError, processes: r.processes, durationMs: r.durationMs, heartbeat: r.heartbeat, actions: r.actions, nextDelayMs: r.nextDelayMs })}\n`,
        );
      } else {
        for (const e of r.events) ctx.io.stdout(`[${e.type}] ${e.message}\n`);
        for (const a of r.actions) ctx.io.stdout(`  → ${a}\n`);
        if (r.fetchError) ctx.io.stderr(`  ! ${r.fetchError} (next try in ${Math.round(r.nextDelayMs / 1000)} s)\n`);
      }
    };
    host.onDidTick((b) => print(b.tick));
    // The CLI's entry turns SIGINT/SIGTERM into this abort: the loop finishes its tick, waits
    // for its executor and releases its lock.
    const stop = (): void => void host.stop();
    ctx.io.signal?.addEventListener('abort', stop, { once: true });
    try {
      await host.start();
      await host.ended();
    } finally {
      ctx.io.signal?.removeEventListener('abort', stop);
      await host.stop();
      await host.ended();
      host.dispose();
    }
    return 0;
  },
};
