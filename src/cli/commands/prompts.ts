import * as path from 'node:path';
import { renderPrompts } from '../../core/prompts/renderPrompts';
import { checkPrompts, writePrompts } from '../../loop/promptFiles';
import type { Command } from '../cliTypes';

export const DEFAULT_PROMPTS_DIR = 'docs/SESSION-PROMPTS-V2';

export const promptsCommand: Command = {
  name: 'prompts',
  summary: 'Generate one auto-polling prompt per session from the manifest (--check: exit 1 when the files drifted)',
  usage: 'prompts [--out DIR] [--check] [--json]',
  maxPositionals: 0,
  options: {
    out: {
      type: 'string',
      description: `the folder of the prompts (default: ${DEFAULT_PROMPTS_DIR} in the repository)`,
    },
    check: {
      type: 'boolean',
      description: 'write nothing; exit 1 when a prompt in --out is missing, differs, or is no longer produced',
    },
  },
  details:
    'The prompts are a pure function of the manifest on the coordination branch: no dates, no absolute paths, no keys. File names: SESSION-<ID>-AUTO-POLLING-V2.md, or <promptName>-AUTO-POLLING-V2.md when the manifest gives a session a promptName (s2 import v1 does).',
  async run(ctx) {
    const s = await ctx.open();
    const { snapshot } = await s.view();
    const files = renderPrompts(snapshot.plan);
    const out =
      typeof ctx.values['out'] === 'string'
        ? path.resolve(ctx.io.cwd, ctx.values['out'])
        : path.join(s.ctx.root, DEFAULT_PROMPTS_DIR);
    if (ctx.values['check']) {
      const d = await checkPrompts(out, files);
      const ok = !d.missing.length && !d.differ.length && !d.extra.length;
      const lines = [
        ...d.missing.map((f) => `  missing  ${f}`),
        ...d.differ.map((f) => `  differs  ${f}`),
        ...d.extra.map((f) => `  extra    ${f} (no session of the manifest produces it)`),
      ];
      ctx.out(
        { ok, out, files: files.map((f) => f.file), ...d },
        ok
          ? `ok: ${files.length} prompt(s) in ${out} match the manifest`
          : `${out} has drifted from the manifest (run: s2 prompts --out ${ctx.values['out'] ?? DEFAULT_PROMPTS_DIR}):\n${lines.join('\n')}`,
      );
      return ok ? 0 : 1;
    }
    const r = await writePrompts(out, files);
    ctx.out(
      { ok: true, out, files: files.map((f) => ({ session: f.session, file: f.file })), ...r },
      `${files.length} prompt(s) in ${out}: ${r.written.length} written, ${r.unchanged.length} unchanged${r.stale.length ? `\nno session produces ${r.stale.join(', ')} any more; remove them` : ''}\n${files.map((f) => `  ${f.session}: ${f.file}`).join('\n')}`,
    );
    return 0;
  },
};
