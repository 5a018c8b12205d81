/** Plain-text renderings of the view for terminals (the JSON form is the view itself). */
import { formatAge } from '../core/view';
import type { SwarmView, Violation } from '../core/viewTypes';

export function formatStatus(view: SwarmView): string {
  const rows = view.sessions.map((s) => [
    s.id,
    s.awaitingInput ? `${s.state}, awaiting input` : s.state,
    s.phase > s.phaseCount ? `done ${s.phaseCount}/${s.phaseCount}` : `${s.phase}/${s.phaseCount}`,
    s.heartbeatAgeSeconds === null ? '—' : formatAge(s.heartbeatAgeSeconds),
    `$${s.spendUsd.toFixed(2)}/$${s.budgetUsd.toFixed(0)}`,
    `${s.agentsRunning}/${s.maxAgents}`,
    s.blockedBy.join(',') || (s.helping ? `helping ${s.helping.session}:${s.helping.phase}` : ''),
    [
      s.transitiveBlocks ? `blocks ${s.transitiveBlocks}` : '',
      s.phases[s.phase - 1]?.adoptedBy ? `phase ${s.phase} adopted by ${s.phases[s.phase - 1]!.adoptedBy}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  ]);
  const head = ['SESSION', 'STATE', 'PHASE', 'HEARTBEAT', 'SPEND', 'AGENTS', 'BLOCKED BY', ''];
  const lines = [`swarm ${view.swarm} · snapshot ${view.snapshot} · ${view.now}`, '', ...table([head, ...rows])];
  const waits = declaredWaits(view);
  if (waits.length) lines.push('', 'declared waits:', ...waits);
  if (view.deadlocks.length)
    lines.push('', ...view.deadlocks.map((d) => `DEADLOCK ${d.sessions.join(' ↔ ')}: ${d.suggestion.text}`));
  if (view.violations.length)
    lines.push('', `${view.violations.length} violation(s):`, ...view.violations.map(formatViolation));
  return `${lines.join('\n')}\n`;
}

export function formatViolation(v: Violation): string {
  return `  ${v.severity === 'error' ? '✗' : '!'} ${v.code} [${v.session}]${v.count ? ` ×${v.count}` : ''} ${v.message}`;
}

export function formatBlockers(view: SwarmView): string {
  if (!view.blockers.length) return 'No session blocks another.\n';
  const rows = view.blockers.map((b, i) => [
    `${i + 1}.`,
    b.session,
    b.phases.join(','),
    b.blocks.join(','),
    String(b.transitive),
    b.stalled ? 'STALLED' : '',
  ]);
  const lines = table([['#', 'BLOCKER', 'AWAITED', 'BLOCKS', 'TRANSITIVE', ''], ...rows]);
  const waits = declaredWaits(view);
  if (waits.length) lines.push('', 'declared waits:', ...waits);
  for (const g of view.gangUp) {
    lines.push('', `gang up on ${g.blocker}:${g.phase}:`);
    for (const t of g.tasks) lines.push(`  ${t.helper} (${t.side}${t.claimed ? ', claimed' : ''}): ${t.task}`);
  }
  if (view.criticalPath.length) lines.push('', `critical path: ${view.criticalPath.join(' → ')}`);
  return `${lines.join('\n')}\n`;
}

/** "  talent waits on webrtc:3: needs the WebRTC media path" — the reason a session gave for each wait. */
function declaredWaits(view: SwarmView): string[] {
  return view.sessions.flatMap((s) =>
    Object.entries(s.waitReasons)
      .filter(([ref]) => s.blockedBy.includes(ref))
      .map(([ref, why]) => `  ${s.id} waits on ${ref}: ${why}`),
  );
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}
