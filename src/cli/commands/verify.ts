import { S2Error } from '../../core/errors';
import { verifyCompletion } from '../../loop/verifyOps';
import { phaseRefArg } from '../args';
import type { Command } from '../cliTypes';

export const verifyCommand: Command = {
  name: 'verify',
  summary: "Verify another session's completion merged with your work branch, in a temporary worktree",
  usage: 'verify SESSION:PHASE',
  maxPositionals: 1,
  options: {},
  details:
    'Records pass / fail / conflict, signed, in your own records. A failed verification disputes the completion; the dependent stays blocked until a later verification passes.',
  async run(ctx) {
    const ref = ctx.positionals[0];
    if (!ref) throw new S2Error('USAGE', 'verify needs SESSION:PHASE', { argument: 'SESSION:PHASE' });
    const s = await ctx.open();
    phaseRefArg((await s.snapshot()).plan, 'SESSION:PHASE', ref);
    const r = await verifyCompletion(s, ref);
    const lines = r.commands.map(
      (c) =>
        `  ${c.exitCode === 0 ? '✓' : '✗'} ${c.command} (${c.timedOut ? 'timed out' : `exit ${c.exitCode}`}, ${c.durationMs} ms)`,
    );
    ctx.out(
      { ok: r.result === 'pass', verification: r },
      `${s.session} verified ${ref}: ${r.result.toUpperCase()}${r.detail ? ` — ${r.detail}` : ''}\n${lines.join('\n')}`,
    );
    return r.result === 'pass' ? 0 : 1;
  },
};
