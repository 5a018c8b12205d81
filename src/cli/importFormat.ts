/** Plain-text renderings of an import: the dry run (everything) and the real one (a summary). */
import type { ImportOutcome } from '../loop/importOps';
import { table } from './format';

function sourcesLine(o: ImportOutcome): string {
  return o.sources
    .map(
      (s) => `${s.kind} ${s.name}: ${s.files} file(s)${s.skipped ? `, ${s.skipped} without a v1 name not read` : ''}`,
    )
    .join('; ');
}

function statesTable(o: ImportOutcome): string[] {
  const rows = o.result.states.map((s) => [
    s.session,
    s.state,
    String(s.phase),
    s.updatedAt,
    s.blockedOn.join(',') || '—',
    s.source,
  ]);
  const lines = table([['SESSION', 'STATE', 'PHASE', 'UPDATED (v1)', 'BLOCKED ON', 'FROM'], ...rows]);
  for (const s of o.result.states) for (const n of s.notes) lines.push(`  ${s.session}: ${n}`);
  const without = Object.keys(o.result.manifest.sessions).filter(
    (id) => !o.result.states.some((s) => s.session === id),
  );
  if (without.length)
    lines.push(`  no dated v1 status for ${without.join(', ')}: no status record is written (shown as not started)`);
  return lines;
}

function reportLines(o: ImportOutcome): string[] {
  const { mapped, unmapped } = o.result.report;
  const lines = [`mapped (${mapped.length}):`];
  for (const m of mapped) {
    lines.push(`  ${m.path} [${m.kind}]`);
    for (const t of m.to) lines.push(`    → ${t}`);
    for (const n of m.notes) lines.push(`    ! ${n}`);
  }
  lines.push('', `unmapped (${unmapped.length}):`);
  for (const u of unmapped)
    lines.push(`  ${u.path} [${u.kind}]${u.lines.length ? ` lines ${u.lines.join(', ')}` : ''}: ${u.reason}`);
  return lines;
}

export function formatDryRun(o: ImportOutcome): string {
  const r = o.result;
  const lines = [
    `s2 import v1 --dry-run: nothing written`,
    `read ${sourcesLine(o)}`,
    `swarm ${r.manifest.swarm}: ${Object.keys(r.manifest.sessions).length} session(s) (${r.sessions.map((s) => `${s.v1}=${s.id}`).join(', ')}), ${r.instructions.length} instruction(s), ${r.report.mapped.length} file(s) mapped, ${r.report.unmapped.length} unmapped`,
    '',
    '# manifest (.s2/swarm.yaml; the public keys are added when it is written)',
    o.manifestText.trimEnd(),
    '',
    '# last known states (written as signed status records, dated with the v1 timestamp)',
    ...statesTable(o),
    '',
    `# instructions (${r.instructions.length})`,
    ...r.instructions.map((i) => `${i.path} ← ${i.source}`),
    '',
    '# report',
    ...reportLines(o),
  ];
  return `${lines.join('\n')}\n`;
}

export function formatImport(o: ImportOutcome): string {
  const w = o.written!;
  const r = o.result;
  const lines = [
    `imported swarm ${r.manifest.swarm} from ${sourcesLine(o)}`,
    `  manifest ${w.manifestFile} at ${w.manifestCommit.slice(0, 12)} (${Object.keys(r.manifest.sessions).length} sessions: ${Object.keys(r.manifest.sessions).join(', ')})${w.keysCreated.length ? `; keys created for ${w.keysCreated.join(', ')}` : ''}`,
    `  ${r.instructions.length} instruction(s) ${w.instructionsCommit ? `committed as ${w.instructionsCommit.slice(0, 12)}` : 'unchanged'}`,
    ...w.statuses.map(
      (s) =>
        `  status of ${s.session} at ${s.updatedAt}: ${s.commit ? `written (${s.commit.slice(0, 12)})` : `kept: ${s.kept}`}`,
    ),
    `  ${r.report.mapped.length} file(s) mapped, ${r.report.unmapped.length} unmapped with a reason (see: s2 import v1 --dry-run)`,
    `  ${o.files} file(s) read in ${o.readMs} ms, imported in ${o.importMs} ms, written in ${o.writeMs} ms`,
    ...w.warnings.map((x) => `  warning: ${x}`),
    'next: s2 status',
  ];
  return `${lines.join('\n')}\n`;
}

/** The JSON form: the whole result, minus the instruction texts (they are in the repository or the dry run's paths). */
export function importJson(o: ImportOutcome): Record<string, unknown> {
  const r = o.result;
  return {
    dryRun: o.written === null,
    swarm: r.manifest.swarm,
    sources: o.sources,
    files: o.files,
    timings: { readMs: o.readMs, importMs: o.importMs, writeMs: o.writeMs },
    sessions: r.sessions,
    manifest: o.manifestText,
    states: r.states,
    instructions: r.instructions.map((i) => ({ session: i.session, phase: i.phase, path: i.path, source: i.source })),
    baselines: Object.fromEntries(
      r.sessions.map((m) => [
        m.id,
        (r.manifest as { sessions: Record<string, { baselinePhase?: number }> }).sessions[m.id]?.baselinePhase ?? 0,
      ]),
    ),
    supports: r.supports,
    idleTasks: r.idleTasks,
    report: r.report,
    written: o.written,
  };
}
