import { S2Error } from '../../core/errors';
import { agentStart, agentStop, approveBudget, reportSpend } from '../../loop/budgetOps';
import type { Command } from '../cliTypes';
import { terminalPassphrase } from '../passphrasePrompt';

export const spendCommand: Command = {
  name: 'spend',
  summary: 'Record money spent by this session (append-only, hash-chained ledger)',
  usage: 'spend USD [--model M] [--note TEXT]',
  options: {
    model: { type: 'string', description: 'the model that was paid for' },
    note: { type: 'string', description: 'what it was for' },
  },
  async run(ctx) {
    const s = await ctx.open();
    const usd = Number(ctx.positionals[0]);
    if (!ctx.positionals[0] || !Number.isFinite(usd))
      throw new S2Error('USAGE', 'spend needs an amount in USD, e.g. s2 spend 1.25 --model claude-sonnet-4');
    await reportSpend(s, usd, String(ctx.values['model'] ?? 'unknown'), String(ctx.values['note'] ?? ''));
    const { view } = await s.view();
    const me = view.sessions.find((x) => x.id === s.session)!;
    ctx.out(
      { ok: true, spendUsd: me.spendUsd, budgetUsd: me.budgetUsd, fraction: me.budgetFraction },
      `${s.session}: $${me.spendUsd.toFixed(2)} of $${me.budgetUsd.toFixed(2)} (${Math.round(me.budgetFraction * 100)}%)${me.budgetFraction >= 1 ? ' — BUDGET_EXCEEDED: phases, the executor and agent spawns are refused until an approver raises it' : me.budgetFraction >= 0.8 ? ' — over 80%' : ''}`,
    );
    return 0;
  },
};

export const approveCommand: Command = {
  name: 'approve',
  summary: "As an approver, raise a session's (or the swarm's, with '*') budget by USD with a signed record",
  usage: "approve SESSION|'*' --usd N --as APPROVER [--note TEXT]",
  options: {
    usd: { type: 'string', description: 'how much to add to the cap' },
    as: { type: 'string', description: 'the approver id (its key must be in $S2_HOME)' },
    note: { type: 'string', description: 'why' },
  },
  async run(ctx) {
    const s = await ctx.open();
    const scope = ctx.positionals[0];
    if (!scope || !ctx.values['usd']) throw new S2Error('USAGE', "approve needs SESSION (or '*') and --usd N");
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
  options: {},
  async run(ctx) {
    const s = await ctx.open();
    const [verb, id] = ctx.positionals;
    if (verb === 'start') {
      if (!id) throw new S2Error('USAGE', 'agents start needs an agent id');
      const n = await agentStart(s, id);
      ctx.out({ ok: true, running: n }, `${s.session}: agent ${id} started (${n} running)`);
      return 0;
    }
    if (verb === 'stop') {
      const n = await agentStop(s, id ?? null);
      ctx.out({ ok: true, running: n }, `${s.session}: agent stopped (${n} running)`);
      return 0;
    }
    if (verb === 'list' || !verb) {
      const { view } = await s.view();
      const me = view.sessions.find((x) => x.id === s.session);
      if (!me) throw new S2Error('USAGE', 'which session? pass --session ID');
      ctx.out(
        { running: me.agentsRunning, max: me.maxAgents },
        `${me.id}: ${me.agentsRunning} of ${me.maxAgents} agents running`,
      );
      return 0;
    }
    throw new S2Error('USAGE', `agents: unknown verb "${verb}" (start, stop, list)`);
  },
};
