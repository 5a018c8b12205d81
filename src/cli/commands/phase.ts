import { S2Error } from '../../core/errors';
import { completeAdoptedPhase, completePhase, declareBlock, resetPhase, startPhase } from '../../loop/phaseOps';
import { verifyCompletion } from '../../loop/verifyOps';
import type { Command, CommandContext } from '../cliTypes';

export function phaseArg(ctx: CommandContext, what = 'phase'): number {
  const n = Number(ctx.positionals[0]);
  if (!Number.isInteger(n) || n < 1)
    throw new S2Error('USAGE', `give the ${what} number, e.g. s2 ${ctx.positionals.length ? '' : '… '}4`);
  return n;
}

export const startPhaseCommand: Command = {
  name: 'start-phase',
  summary: 'Start phase N — refused unless N-1 is complete, every need is verified, and the budget allows',
  usage: 'start-phase N [--no-verify]',
  options: { 'no-verify': { type: 'boolean', description: 'refuse instead of verifying unverified needs first' } },
  async run(ctx) {
    const s = await ctx.open();
    const n = phaseArg(ctx);
    await startPhase(s, n, { autoVerify: !ctx.values['no-verify'], verify: (ref) => verifyCompletion(s, ref) });
    ctx.out({ ok: true, session: s.session, phase: n, state: 'working' }, `${s.session}: phase ${n} started`);
    return 0;
  },
};

export const completePhaseCommand: Command = {
  name: 'complete-phase',
  summary: "Run phase N's validation commands and record the completion only if all pass",
  usage: 'complete-phase N | complete-phase SESSION:N (a phase you adopted)',
  options: {},
  details: "The completion names the work branch's current commit; it is signed with the session's key.",
  async run(ctx) {
    const s = await ctx.open();
    const arg = ctx.positionals[0] ?? '';
    const adopted = /^([^:]+):(\d+)$/.exec(arg);
    const n = adopted ? Number(adopted[2]) : phaseArg(ctx);
    const r = adopted ? await completeAdoptedPhase(s, adopted[1]!, n) : await completePhase(s, n);
    const lines = r.validations.map(
      (v) =>
        `  ${v.exitCode === 0 ? '✓' : '✗'} ${v.command} (${v.timedOut ? 'timed out' : `exit ${v.exitCode}`}, ${v.durationMs} ms)`,
    );
    if (r.passed)
      ctx.out({ ok: true, ...r }, `${s.session}: phase ${n} complete at ${r.commit.slice(0, 12)}\n${lines.join('\n')}`);
    else
      ctx.out(
        { ok: false, ...r },
        `${s.session}: phase ${n} NOT complete — validation failed (attempt ${r.attempts})${r.error ? '; the phase is now in error and needs a person (s2 reset-phase N)' : ''}\n${lines.join('\n')}\n${r.validations.at(-1)?.outputTail.split('\n').slice(-10).join('\n') ?? ''}`,
      );
    return r.passed ? 0 : 1;
  },
};

export const resetPhaseCommand: Command = {
  name: 'reset-phase',
  summary: "A person clears a phase's failed attempts so it can be retried",
  usage: 'reset-phase N',
  options: {},
  async run(ctx) {
    const s = await ctx.open();
    const n = phaseArg(ctx);
    await resetPhase(s, n);
    ctx.out({ ok: true, phase: n }, `${s.session}: phase ${n} attempts cleared`);
    return 0;
  },
};

export const blockCommand: Command = {
  name: 'block',
  summary: "Declare that this session waits on another session's phase (or --clear)",
  usage: 'block --on SESSION:PHASE --reason TEXT | block --clear',
  options: {
    on: { type: 'string', description: 'the phase you wait on, e.g. sip:4' },
    reason: { type: 'string', description: 'why, in a sentence' },
    clear: { type: 'boolean', description: 'withdraw every declared wait' },
  },
  async run(ctx) {
    const s = await ctx.open();
    const on = ctx.values['on'];
    if (!ctx.values['clear'] && typeof on !== 'string')
      throw new S2Error('USAGE', 'block needs --on SESSION:PHASE --reason TEXT (or --clear)');
    const { parsePhaseRef } = await import('../../core/phaseRef');
    if (typeof on === 'string') parsePhaseRef(on);
    const view = await declareBlock(s, ctx.values['clear'] ? null : (on as string), String(ctx.values['reason'] ?? ''));
    const me = view.sessions.find((x) => x.id === s.session);
    ctx.out(
      { ok: true, blockedBy: me?.blockedBy ?? [] },
      ctx.values['clear']
        ? `${s.session}: declared waits cleared`
        : `${s.session}: blocked on ${on}${me ? ` (now waiting on ${me.blockedBy.join(', ') || 'nothing'})` : ''}`,
    );
    return 0;
  },
};

export const heartbeatCommand: Command = {
  name: 'heartbeat',
  summary: "Renew this session's liveness lease",
  usage: 'heartbeat',
  options: {},
  async run(ctx) {
    const s = await ctx.open();
    const { snapshot } = await s.view();
    const r = await (await s.store(snapshot.plan)).heartbeat();
    ctx.out(
      { ok: true, commit: r?.commit, pushed: r?.pushed ?? false },
      `${s.session}: heartbeat${r && !r.pushed ? ` (not pushed: ${r.pushError})` : ''}`,
    );
    return 0;
  },
};
