import { S2Error } from '../../core/errors';
import { currentInstruction } from '../../loop/instructionOps';
import type { Command } from '../cliTypes';

export const instructionCommand: Command = {
  name: 'instruction',
  summary: "Print this session's instruction for its current phase (or phase N), from the coordination branch",
  usage: 'instruction [N] [--json]',
  maxPositionals: 1,
  options: {},
  details:
    'Reads .s2/instructions/<session>/phase-<n>.md at the coordination tip (not the working tree). --json prints { session, phase, instruction: { id, path, pending, text } | null }.',
  async run(ctx) {
    const s = await ctx.open();
    const arg = ctx.positionals[0];
    const n = arg === undefined ? undefined : Number(arg);
    if (n !== undefined && (!Number.isInteger(n) || n < 1))
      throw new S2Error('USAGE', `instruction takes a phase number, not "${arg}"`);
    const r = await currentInstruction(s, n);
    ctx.out(
      r,
      r.instruction
        ? `${r.session} phase ${r.phase} — ${r.instruction.id}${r.instruction.pending ? ' (new)' : ''}\n\n${r.instruction.text}`
        : `${r.session} has no instruction for phase ${r.phase} on the coordination branch`,
    );
    return 0;
  },
};
