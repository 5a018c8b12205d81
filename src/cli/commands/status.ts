import { sessionArg } from '../args';
import type { Command } from '../cliTypes';
import { briefView } from '../../core/briefView';
import { formatStatus } from '../format';
import { trustReport } from '../../loop/trustReport';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show every session: phase, state, heartbeat, spend, blockers, and the violations found',
  usage: 'status [--json] [--fetch] [--brief]',
  maxPositionals: 0,
  options: {
    fetch: { type: 'boolean', description: 'fetch from the remote first (remote topology)' },
    brief: {
      type: 'boolean',
      description: 'with --json: sessions without their per-phase detail (what the MCP tool returns)',
    },
  },
  details:
    'The view is computed from the refs as they are now; --json prints { snapshot, sessions, blockers, deadlocks, violations, … }.',
  async run(ctx) {
    const s = await ctx.open();
    if (ctx.values['fetch']) {
      const f = await s.fetch();
      if (f.error) ctx.io.stderr(`warning: ${f.error}; showing the last fetched state\n`);
    }
    const { view, snapshot } = await s.view();
    const trust = await trustReport(s, snapshot);
    const shown = { ...view, violations: [...view.violations, ...trust.warnings], manifest: snapshot.manifest ?? null };
    const metered = view.sessions.reduce((x, v) => x + v.meteredUsd, 0);
    const reported = view.sessions.reduce((x, v) => x + v.reportedUsd, 0);
    const swarmPct = view.swarmBudgetUsd ? Math.round((view.swarmSpendUsd / view.swarmBudgetUsd) * 100) : null;
    const spend = `spend: $${view.swarmSpendUsd.toFixed(2)} (metered $${metered.toFixed(2)}, reported $${reported.toFixed(2)})${view.swarmBudgetUsd !== null ? ` of the swarm's $${view.swarmBudgetUsd} (${swarmPct}%${swarmPct! >= 100 ? ', exceeded' : swarmPct! >= 80 ? ', over 80%' : ''})` : ''}`;
    ctx.out(
      ctx.values['brief'] ? briefView({ ...view, violations: shown.violations }) : shown,
      `${formatStatus(shown)}${spend}\n${trust.line ? `${trust.line}\n` : ''}`,
    );
    return 0;
  },
};

export const blockersCommand: Command = {
  name: 'blockers',
  summary: 'Who blocks whom, ranked by how many sessions wait (directly or not), with gang-up plans',
  usage: 'blockers [--json]',
  maxPositionals: 0,
  options: {},
  async run(ctx) {
    const { view } = await (await ctx.open()).view();
    const { formatBlockers } = await import('../format');
    ctx.out(
      {
        snapshot: view.snapshot,
        blockers: view.blockers,
        deadlocks: view.deadlocks,
        gangUp: view.gangUp,
        criticalPath: view.criticalPath,
      },
      formatBlockers(view),
    );
    return 0;
  },
};

export const validateCommand: Command = {
  name: 'validate',
  summary: 'CI gate: exit 1 when the snapshot has violations of severity error',
  usage: 'validate [--json] [--strict] [--accept-rewrite SESSION]',
  maxPositionals: 0,
  options: {
    strict: { type: 'boolean', description: 'fail on warnings too' },
    'accept-rewrite': {
      type: 'string',
      description:
        "after review, stop reporting a history rewrite of SESSION's branch ('*': every one, and an edited .git/s2/seen-tips.json)",
    },
  },
  async run(ctx) {
    const s = await ctx.open();
    const accept = ctx.values['accept-rewrite'];
    if (typeof accept === 'string') {
      sessionArg((await s.snapshot()).plan, '--accept-rewrite', accept);
      await s.reader.seenTips.load();
      const n = s.reader.seenTips.clearRewrites(accept);
      await s.reader.seenTips.save();
      ctx.io.stderr(`accepted ${n} rewrite(s) of ${accept}'s branch\n`);
    }
    const { view } = await s.view();
    const failing = view.violations.filter((v) => ctx.values['strict'] || v.severity === 'error');
    const { formatViolation } = await import('../format');
    ctx.out(
      { snapshot: view.snapshot, ok: failing.length === 0, violations: view.violations },
      failing.length
        ? `${failing.length} violation(s):\n${failing.map(formatViolation).join('\n')}`
        : `ok: no violations (snapshot ${view.snapshot})${view.violations.length ? `, ${view.violations.length} warning(s)` : ''}`,
    );
    return failing.length ? 1 : 0;
  },
};
