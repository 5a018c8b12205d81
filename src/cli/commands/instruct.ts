import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../../core/errors';
import { isPhaseRef, parsePhaseRef } from '../../core/phaseRef';
import { instruct } from '../../loop/instructOps';
import type { Command } from '../cliTypes';
import { terminalPassphrase } from '../passphrasePrompt';

export const instructCommand: Command = {
  name: 'instruct',
  summary:
    "Write a session's phase instruction, signed by an approver (or a coordinator session), on the coordination branch",
  usage: 'instruct SESSION:PHASE --file F [--as APPROVER]',
  maxPositionals: 1,
  options: {
    file: { type: 'string', description: 'the instruction (markdown, optional YAML front matter)' },
    as: {
      type: 'string',
      description: 'the approver who signs (default: this session, if the manifest names it coordinator)',
    },
  },
  details:
    'Only signed instructions count: an unsigned or foreign-signed one is reported as INSTRUCTION_UNSIGNED and never handed to the executor. Run it in a checkout of the coordination branch; push the commit as you push the manifest.',
  async run(ctx) {
    const ref = ctx.positionals[0];
    if (!ref || !isPhaseRef(ref))
      throw new S2Error('USAGE', 'instruct needs SESSION:PHASE, e.g. s2 instruct sip:4 --file phase-4.md --as owner');
    const f = ctx.values['file'];
    if (typeof f !== 'string') throw new S2Error('USAGE', 'instruct needs --file F (the instruction text)');
    const file = path.resolve(ctx.io.cwd, f);
    const text = await fs.readFile(file, 'utf8').catch(() => {
      throw new S2Error('USAGE', `cannot read the instruction file ${file}`);
    });
    const as = typeof ctx.values['as'] === 'string' ? (ctx.values['as'] as string) : null;
    const r = await instruct(
      await ctx.open(),
      parsePhaseRef(ref),
      text,
      as,
      as ? terminalPassphrase(`passphrase for approver ${as}: `) : undefined,
    );
    ctx.out({ ok: true, ...r }, `${r.path}: signed by ${r.by}, committed as ${r.commit.slice(0, 12)}`);
    return 0;
  },
};
