import { S2Error } from '../../core/errors';
import { adoptPhase, autoHelp, claimHelp, releaseHelp } from '../../loop/helpOps';
import { phaseRefArg, sessionArg } from '../args';
import type { Command } from '../cliTypes';

export const helpCommand: Command = {
  name: 'help',
  summary: 'Claim a task helping a blocker (a lease that lapses without progress); --auto takes the best gang-up task',
  usage: 'help SESSION[:PHASE] --task TEXT | help --auto | help --release',
  maxPositionals: 1,
  options: {
    task: { type: 'string', description: 'what you will do for the blocker' },
    auto: { type: 'boolean', description: "take this session's task from the gang-up plan, or say why there is none" },
    release: { type: 'boolean', description: 'give up the current help claim' },
  },
  details:
    'Refused when the target blocks nobody (FALSE_BLOCKER), when it would make a help loop, when the task is taken, or when the blocker already has its cap of helpers.',
  async run(ctx) {
    const modes = [ctx.values['release'], ctx.values['auto'], ctx.positionals[0]].filter((x) => x !== undefined);
    if (modes.length > 1)
      throw new S2Error('USAGE', 'give one of SESSION[:PHASE], --auto or --release', { argument: 'SESSION' });
    if (typeof ctx.values['task'] === 'string' && !ctx.values['task'].trim())
      throw new S2Error('USAGE', '--task must say what you will do', { argument: '--task' });
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
      if (!target)
        throw new S2Error('USAGE', 'help needs SESSION[:PHASE] --task TEXT, or --auto', { argument: 'SESSION' });
      const { plan } = await s.snapshot();
      if (target.includes(':')) phaseRefArg(plan, 'SESSION:PHASE', target);
      else sessionArg(plan, 'SESSION', target);
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
  maxPositionals: 1,
  options: {},
  async run(ctx) {
    const ref = ctx.positionals[0];
    if (!ref) throw new S2Error('USAGE', 'adopt needs SESSION:PHASE', { argument: 'SESSION:PHASE' });
    const s = await ctx.open();
    phaseRefArg((await s.snapshot()).plan, 'SESSION:PHASE', ref);
    await adoptPhase(s, ref);
    ctx.out({ ok: true, adopted: ref }, `${s.session} adopted ${ref}; complete it with: s2 complete-phase ${ref}`);
    return 0;
  },
};
