import { S2Error } from '../../core/errors';
import { agentStart, agentStop, approveBudget, reportSpend } from '../../loop/budgetOps';
import { positiveNumberArg, sessionArg } from '../args';
import type { Command } from '../cliTypes';
import { terminalPassphrase } from '../passphrasePrompt';
import { BUDGET_WARN_FRACTION } from '../../core/budget';

export const spendCommand: Command = {
  name: 'spend',
  summary: 'Record money spent by this session (append-only, hash-chained ledger)',
  usage: 'spend USD [--model M] [--note TEXT]',
  maxPositionals: 1,
  options: {
    model: { type: 'string', description: 'the model that was paid for' },
    note: { type: 'string', description: 'what it was for' },
  },
  async run(ctx) {
    const text = ctx.positionals[0]?.trim() ?? '';
    const usd = text === '' ? NaN : Number(text);
    if (!Number.isFinite(usd) || usd < 0)
      throw new S2Error(
        'USAGE',
        `USD must be a non-negative amount, not "${ctx.positionals[0] ?? ''}" (e.g. s2 spend 1.25 --model claude-sonnet-4)`,
        { argument: 'USD' },
      );
    const s = await ctx.open();
    await reportSpend(s, usd, String(ctx.values['model'] ?? 'unknown'), String(ctx.values['note'] ?? ''));
    const { view } = await s.view();
    const me = view.sessions.find((x) => x.id === s.session)!;
    ctx.out(
      { ok: true, spendUsd: me.spendUsd, budgetUsd: me.budgetUsd, fraction: me.budgetFraction },
      `${s.session}: $${me.spendUsd.toFixed(2)} of $${me.budgetUsd.toFixed(2)} (${Math.round(me.budgetFraction * 100)}%)${me.budgetFraction >= 1 ? ' — BUDGET_EXCEEDED: phases, the executor and agent spawns are refused until an approver raises it' : me.budgetFraction >= BUDGET_WARN_FRACTION ? ` — over ${BUDGET_WARN_FRACTION * 100}%` : ''}`,
    );
    return 0;
  },
};

export const approveCommand: Command = {
  name: 'approve',
  summary: "As an approver, raise a session's (or the swarm's, with '*') budget by USD with a signed record",
  usage: "approve SESSION|'*' --usd N --as APPROVER [--note TEXT]",
  maxPositionals: 1,
  options: {
    usd: { type: 'string', description: 'how much to add to the cap' },
    as: { type: 'string', description: 'the approver id (its key must be in $S2_HOME)' },
    note: { type: 'string', description: 'why' },
  },
  async run(ctx) {
    const scope = ctx.positionals[0];
    if (!scope) throw new S2Error('USAGE', "approve needs SESSION (or '*') and --usd N", { argument: 'SESSION' });
    if (typeof ctx.values['usd'] !== 'string')
      throw new S2Error('USAGE', 'approve needs --usd N, the amount to add', { argument: '--usd' });
    positiveNumberArg('--usd', ctx.values['usd']);
    const s = await ctx.open();
    const { snapshot } = await s.view();
    if (scope === '*' && snapshot.plan.swarmBudgetUsd === undefined)
      throw new S2Error(
        'USAGE',
        "approve '*': the manifest sets no swarm budget (budget.swarmUsd), so there is none to raise; approve a session instead",
        { argument: 'SESSION' },
      );
    if (scope !== '*') sessionArg(snapshot.plan, 'SESSION', scope);
    const approver = ctx.values['as'];
    if (typeof approver !== 'string' || !approver)
      throw new S2Error('REFUSED', "approve needs --as APPROVER: who approves, with that approver's private key");
    const e = await approveBudget(
      s,
      approver,
      scope,
      Number(ctx.values['usd']),
      String(ctx.values['note'] ?? ''),
      terminalPassphrase(`passphrase for approver ${approver}: `),
    );
    ctx.out(
      { ok: true, approval: e },
      `${approver} raised ${scope === '*' ? 'the swarm budget' : `${scope}'s budget`} by $${e.addUsd}`,
    );
    return 0;
  },
};

export const agentsCommand: Command = {
  name: 'agents',
  summary: "Track this session's running sub-agents; start is refused above the cap or when the budget is spent",
  usage: 'agents start ID | agents stop [ID] | agents list',
  maxPositionals: 2,
  options: {},
  async run(ctx) {
    const [verb, id] = ctx.positionals;
    if (verb !== undefined && !['start', 'stop', 'list'].includes(verb))
      throw new S2Error('USAGE', `agents: unknown verb "${verb}" (start, stop, list)`, { argument: verb });
    if (verb === 'list' && id !== undefined)
      throw new S2Error('USAGE', `agents list takes no argument, not "${id}"`, { argument: id });
    if (verb === 'start' && !id) throw new S2Error('USAGE', 'agents start needs an agent id', { argument: 'ID' });
    const s = await ctx.open();
    if (verb === 'start') {
      const n = await agentStart(s, id!);
      ctx.out({ ok: true, running: n }, `${s.session}: agent ${id} started (${n} running)`);
      return 0;
    }
    if (verb === 'stop') {
      const { snapshot } = await s.view();
      const running = snapshot.sessions[s.requireSession(snapshot.plan)]?.status?.agents.running ?? [];
      if (id !== undefined ? !running.includes(id) : !running.length)
        throw new S2Error(
          'USAGE',
          id !== undefined
            ? `agents stop: no running agent "${id}" (running: ${running.join(', ') || 'none'})`
            : 'agents stop: no agent is running',
          { argument: id ?? 'ID' },
        );
      const n = await agentStop(s, id ?? null);
      ctx.out({ ok: true, running: n }, `${s.session}: agent ${id ?? running[0]} stopped (${n} running)`);
      return 0;
    }
    const { snapshot, view } = await s.view();
    const me = view.sessions.find((x) => x.id === s.requireSession(snapshot.plan))!;
    const ids = snapshot.sessions[me.id]?.status?.agents.running ?? [];
    ctx.out(
      { running: me.agentsRunning, max: me.maxAgents, agents: ids },
      `${me.id}: ${me.agentsRunning} of ${me.maxAgents} agents running${ids.length ? `: ${ids.join(', ')}` : ''}`,
    );
    return 0;
  },
};
