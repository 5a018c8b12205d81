/** `s2 integrate`: merge every session's latest verified completion and run the swarm's integrate commands. */
import { S2Error } from '../../core/errors';
import type { IntegrationRecord } from '../../core/integrationRecord';
import { integrateSwarm } from '../../loop/integrateOps';
import type { Command } from '../cliTypes';

export const integrateCommand: Command = {
  name: 'integrate',
  summary:
    "Integration gate: merge every session's latest verified completion and run the manifest's integrate commands",
  usage: 'integrate [--timeout SECONDS] [--json]',
  maxPositionals: 0,
  options: {
    timeout: { type: 'string', description: 'per-command timeout in seconds (default: polling.commandTimeoutSeconds)' },
  },
  details:
    'Merges in manifest order with git merge-tree (no checkout is touched), runs the commands in a temporary worktree, and signs the verdict into .s2/sessions/<you>/integration.yaml. On a failure with several sessions merged, the merge order is bisected to name the sessions whose changes it involves. Exit 0 pass, 1 fail or conflict.',
  async run(ctx) {
    const s = await ctx.open();
    const t = ctx.values['timeout'];
    const timeoutSeconds = typeof t === 'string' ? Number(t) : undefined;
    if (timeoutSeconds !== undefined && !(timeoutSeconds > 0))
      throw new S2Error('USAGE', `--timeout must be a positive number of seconds, not ${t}`);
    const r = await integrateSwarm(s, { timeoutSeconds });
    const coord = (await s.reader.coordination()).branch;
    // The merge is a commit nobody's branch points at yet: say what it is and how to land it.
    const land =
      r.result === 'pass' && r.mergeCommit
        ? `merged commit ${r.mergeCommit}\nto land it: git switch ${coord} && git merge --ff-only ${r.mergeCommit}\n`
        : '';
    ctx.out(
      { ok: r.result === 'pass', integration: r, ...(land ? { land: { branch: coord, commit: r.mergeCommit } } : {}) },
      `${formatIntegration(r)}${land}`,
    );
    return r.result === 'pass' ? 0 : 1;
  },
};

export function formatIntegration(r: IntegrationRecord): string {
  const lines = [
    `${r.session} integrated ${r.merged.length} session(s) on ${r.coordinationCommit.slice(0, 12)}: ${r.result.toUpperCase()}${r.detail ? ` — ${r.detail}` : ''}`,
  ];
  for (const m of r.merged) lines.push(`  + ${m.session}:${m.phase} ${m.commit.slice(0, 12)}`);
  for (const k of r.skipped) lines.push(`  - ${k.session}: ${k.reason}`);
  for (const c of r.commands)
    lines.push(
      `  ${c.exitCode === 0 ? '✓' : '✗'} ${c.command} (${c.timedOut ? 'timed out' : `exit ${c.exitCode}`}, ${c.durationMs} ms)`,
    );
  if (r.bisect.length)
    lines.push(
      '  bisect:',
      ...r.bisect.map(
        (p) => `    ${p.sessions.length ? p.sessions.join(' + ') : '(coordination branch)'}: ${p.result}`,
      ),
    );
  if (r.culprits.length) lines.push(`  involves: ${r.culprits.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
