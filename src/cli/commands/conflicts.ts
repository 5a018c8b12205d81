/**
 * `s2 conflicts`: which sessions' work branches will conflict when they merge, and which
 * changes were made twice — computed now, before anyone merges, without touching a checkout.
 */
import { ConflictForecast, forecastInputOf } from '../../core/conflicts';
import { ConflictForecaster } from '../../git/conflictForecast';
import type { Command } from '../cliTypes';
import { formatViolation, table } from '../format';

export const conflictsCommand: Command = {
  name: 'conflicts',
  summary: "Forecast merge conflicts between sessions' work branches and duplicate work, before anyone merges",
  usage: 'conflicts [--json]',
  maxPositionals: 0,
  options: {},
  details:
    'For every pair of sessions that change the same file, git merge-tree decides whether their branches merge cleanly (MERGE_CONFLICT_AHEAD if not); the same patch committed in two sessions is DUPLICATE_WORK. --json prints { pairs, duplicates, violations, sessions, stats }. Exit 1 when either is found.',
  async run(ctx) {
    const s = await ctx.open();
    const snapshot = await s.snapshot();
    const forecast = await new ConflictForecaster(s.ctx.root).forecast(forecastInputOf(snapshot));
    const { coordination, pairs, duplicates, violations, sessions, stats } = forecast;
    ctx.out(
      { snapshot: snapshot.id, coordination, pairs, duplicates, violations, sessions, stats },
      formatForecast(forecast),
    );
    return violations.length ? 1 : 0;
  },
};

export function formatForecast(f: ConflictForecast): string {
  const lines = [
    `conflict forecast against ${f.coordination.slice(0, 12)}: ${f.sessions.length} work branch(es), ${f.pairs.length} pair(s) change the same files`,
  ];
  if (f.pairs.length) {
    const rows = f.pairs.map((p) => [
      p.a,
      p.b,
      p.conflict ? 'CONFLICT' : 'clean',
      shorten(p.conflict && p.conflictFiles.length ? p.conflictFiles : p.files),
    ]);
    lines.push('', ...table([['A', 'B', 'MERGE', 'FILES'], ...rows]));
  }
  if (f.duplicates.length) {
    lines.push(
      '',
      ...table([
        ['DUPLICATE', 'SESSIONS', 'COMMITS'],
        ...f.duplicates.map((d) => [
          'same patch',
          d.sessions.join(', '),
          d.commits.map((c) => c.slice(0, 12)).join(', '),
        ]),
      ]),
    );
  }
  lines.push('', f.violations.length ? `${f.violations.length} finding(s):` : 'no conflicts ahead, no duplicate work');
  lines.push(...f.violations.map(formatViolation));
  lines.push('', `cost: ${f.stats.processes} git process(es), ${f.stats.mergeTrees} merge-tree, ${f.stats.ms} ms`);
  return `${lines.join('\n')}\n`;
}

function shorten(files: readonly string[]): string {
  return files.length > 4 ? `${files.slice(0, 4).join(', ')} … (+${files.length - 4})` : files.join(', ');
}
