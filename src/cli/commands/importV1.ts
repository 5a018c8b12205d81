import { S2Error } from '../../core/errors';
import { importV1Swarm } from '../../loop/importOps';
import type { Command } from '../cliTypes';
import { formatDryRun, formatImport, importJson } from '../importFormat';

export const importCommand: Command = {
  name: 'import',
  summary:
    'Import a v1 swarm (INSTRUCTIONS-*, STATUS*, the coordination matrix…): manifest, instructions, last known states',
  usage: 'import v1 [--from DIR|REF …] [--dry-run] [--swarm NAME] [--json]',
  maxPositionals: 1,
  options: {
    from: {
      type: 'string',
      multiple: true,
      description:
        'a directory of v1 files (read recursively) or a git ref of the repository (its tree, in a folder named after the branch); repeatable; default: this checkout',
    },
    'dry-run': {
      type: 'boolean',
      description:
        'print the manifest, the states and the report (mapped / unmapped, with reasons and lines); write nothing',
    },
    swarm: {
      type: 'string',
      description: 'the swarm name (default: the repository the v1 starters name, else v1-import)',
    },
  },
  details:
    "Writes .s2/swarm.yaml (keys in $S2_HOME, public keys in the manifest) and .s2/instructions/<session>/phase-<n>.md, committed in this checkout, and each session's last v1 state as a signed status record dated with its v1 timestamp. Refused when the files name no v1 session (exit 2). Re-running writes nothing new.",
  async run(ctx) {
    if (ctx.positionals[0] !== 'v1' || ctx.positionals.length > 1)
      throw new S2Error('USAGE', 'only v1 can be imported: s2 import v1 [--from DIR|REF …] [--dry-run]');
    const from = ctx.values['from'];
    const o = await importV1Swarm({
      repo: ctx.flags.repo,
      cwd: ctx.io.cwd,
      from: Array.isArray(from) ? from : typeof from === 'string' ? [from] : [],
      dryRun: !!ctx.values['dry-run'],
      ...(typeof ctx.values['swarm'] === 'string' ? { swarm: ctx.values['swarm'] } : {}),
      env: ctx.io.env,
    });
    ctx.out(importJson(o), o.written ? formatImport(o) : formatDryRun(o));
    return 0;
  },
};
