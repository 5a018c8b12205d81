import { S2Error } from '../../core/errors';
import { adoptPhase, autoHelp, claimHelp, releaseHelp } from '../../loop/helpOps';
import type { Command } from '../cliTypes';

export const helpCommand: Command = {
  name: 'help',
  summary: 'Claim a task helping a blocker (a lease that lapses without progress); --auto takes the best gang-up task',
  usage: 'help SESSION[:PHASE] --task TEXT | help --auto | help --release',
  options: {
    task: { type: 'string', description: 'what you will do for the blocker' },
    auto: { type: 'boolean', description: "take this session's task from the gang-up plan, or say why there is none" },
    release: { type: 'boolean', description: 'give up the current help claim' },
  },
  details:
    'Refused when the target blocks nobody (FALSE_BLOCKER), when it would make a help loop, when the task is taken, or when the blocker already has its cap of helpers.',
  async run(ctx) {
    const s = await ctx.open();
    if (ctx.values['release']) {
      await releaseHelp(s);
      ctx.out({ ok: true, released: true }, `${s.session}: help claim released`);
      return 0;
    }
    let claim;
    if (ctx.values['auto']) claim = await autoHelp(s);
    else {
      const target = ctx.positionals[0];
      if (!target) throw new S2Error('USAGE', 'help needs SESSION[:PHASE] --task TEXT, or --auto');
      claim = await claimHelp(s, target, (ctx.values['task'] as string | undefined) ?? null);
    }
    ctx.out(
      { ok: true, claim },
      `${s.session} helps ${claim.session}:${claim.phase} (${claim.side}): ${claim.task}\nlease ${claim.leaseSeconds} s — commit progress on your work branch to keep it`,
    );
    return 0;
  },
};

export const adoptCommand: Command = {
  name: 'adopt',
  summary: "Adopt a stuck session's open phase (its heartbeat expired or it is in error)",
  usage: 'adopt SESSION:PHASE',
  options: {},
  async run(ctx) {
    const s = await ctx.open();
    const ref = ctx.positionals[0];
    if (!ref) throw new S2Error('USAGE', 'adopt needs SESSION:PHASE');
    await adoptPhase(s, ref);
    ctx.out({ ok: true, adopted: ref }, `${s.session} adopted ${ref}; complete it with: s2 complete-phase ${ref}`);
    return 0;
  },
};
