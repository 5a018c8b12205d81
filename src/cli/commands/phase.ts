import { S2Error } from '../../core/errors';
import {
  completeAdoptedPhase,
  completePhase,
  declareBlock,
  resetPhase,
  startPhase,
  supersedeCompletion,
} from '../../loop/phaseOps';
import type { SwarmSession } from '../../loop/swarmSession';
import { verifyCompletion } from '../../loop/verifyOps';
import { intArg, phaseNumberArg, phaseRefArg } from '../args';
import type { Command, CommandContext } from '../cliTypes';

/** The phase number N, checked for shape before git is touched and for range against the manifest. */
async function phaseOf(ctx: CommandContext, s: SwarmSession): Promise<number> {
  const { snapshot } = await s.view();
  return phaseNumberArg(snapshot.plan, s.requireSession(snapshot.plan), ctx.positionals[0]);
}

function phaseShape(ctx: CommandContext): void {
  const text = ctx.positionals[0];
  if (text === undefined) throw new S2Error('USAGE', 'give the phase number N, e.g. 4', { argument: 'N' });
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*:\d+$/.test(text)) intArg('the phase number N', text);
}

export const startPhaseCommand: Command = {
  name: 'start-phase',
  summary: 'Start phase N — refused unless N-1 is complete, every need is verified, and the budget allows',
  usage: 'start-phase N [--no-verify]',
  maxPositionals: 1,
  options: { 'no-verify': { type: 'boolean', description: 'refuse instead of verifying unverified needs first' } },
  async run(ctx) {
    phaseShape(ctx);
    const s = await ctx.open();
    const n = await phaseOf(ctx, s);
    await startPhase(s, n, {
      autoVerify: !ctx.values['no-verify'],
      verify: (ref) => {
        ctx.io.stderr(`verifying ${ref} first (a need of phase ${n} that no other session has verified yet)…\n`);
        return verifyCompletion(s, ref);
      },
    });
    ctx.out({ ok: true, session: s.session, phase: n, state: 'working' }, `${s.session}: phase ${n} started`);
    return 0;
  },
};

export const completePhaseCommand: Command = {
  name: 'complete-phase',
  summary: "Run phase N's validation commands on the committed work and record the completion only if all pass",
  usage: 'complete-phase N [--supersede] | complete-phase SESSION:N (a phase you adopted)',
  maxPositionals: 1,
  options: {
    supersede: {
      type: 'boolean',
      description: 'replace your disputed completion of N with the current commit (after a fix); the dispute is kept',
    },
  },
  details:
    "Run it in the session's worktree, on its work branch, with everything committed: the completion names the branch's commit and the checks judge exactly that commit. It is signed with the session's key. After polling.maxAttempts failed attempts the phase is in error and refused until a person runs s2 reset-phase N.",
  async run(ctx) {
    phaseShape(ctx);
    const s = await ctx.open();
    const arg = ctx.positionals[0]!;
    const { snapshot } = await s.view();
    const adopted = /:/.test(arg) ? phaseRefArg(snapshot.plan, 'SESSION:N', arg) : null;
    if (adopted && ctx.values['supersede'])
      throw new S2Error('USAGE', '--supersede replaces your own completion: complete-phase N --supersede');
    const n = adopted ? adopted.phase : await phaseOf(ctx, s);
    const r = adopted
      ? await completeAdoptedPhase(s, adopted.session, n)
      : ctx.values['supersede']
        ? await supersedeCompletion(s, n)
        : await completePhase(s, n);
    const lines = r.validations.map(
      (v) =>
        `  ${v.exitCode === 0 ? '✓' : '✗'} ${v.command} (${v.timedOut ? 'timed out' : `exit ${v.exitCode}`}, ${v.durationMs} ms)`,
    );
    if (!r.validations.length)
      ctx.io.stderr(`notice: phase ${n} has no validation commands in the manifest; nothing was checked\n`);
    if (r.passed)
      ctx.out(
        { ok: true, ...r },
        `${s.session}: phase ${n} ${ctx.values['supersede'] ? 'completion superseded' : 'complete'} at ${r.commit.slice(0, 12)}${r.validations.length ? '' : ' (no validation commands: nothing was checked)'}\n${lines.join('\n')}`,
      );
    else
      ctx.out(
        { ok: false, ...r },
        `${s.session}: phase ${n} NOT complete — validation failed (attempt ${r.attempts})${r.error ? `; the phase is now in error and needs a person (s2 reset-phase ${n})` : ''}\n${lines.join('\n')}\n${r.validations.at(-1)?.outputTail.split('\n').slice(-10).join('\n') ?? ''}`,
      );
    return r.passed ? 0 : 1;
  },
};

export const resetPhaseCommand: Command = {
  name: 'reset-phase',
  summary: "A person clears the open phase's failed attempts so it can be retried",
  usage: 'reset-phase N',
  maxPositionals: 1,
  options: {},
  details: 'Refused (exit 1) for a phase that is complete or not the open one: there is nothing to clear there.',
  async run(ctx) {
    phaseShape(ctx);
    const s = await ctx.open();
    const n = await phaseOf(ctx, s);
    const r = await resetPhase(s, n);
    ctx.out(
      { ok: true, phase: n, cleared: r.cleared },
      `${s.session}: phase ${n}: ${r.cleared} failed attempt(s) cleared`,
    );
    return 0;
  },
};

export const blockCommand: Command = {
  name: 'block',
  summary: "Declare that this session waits on another session's phase (or --clear)",
  usage: 'block --on SESSION:PHASE --reason TEXT | block --clear',
  maxPositionals: 0,
  options: {
    on: { type: 'string', description: 'the phase you wait on, e.g. sip:4' },
    reason: { type: 'string', description: 'why, in a sentence' },
    clear: { type: 'boolean', description: 'withdraw every declared wait' },
  },
  async run(ctx) {
    const on = ctx.values['on'];
    const reason = ctx.values['reason'];
    const clear = !!ctx.values['clear'];
    if (clear && (on !== undefined || reason !== undefined))
      throw new S2Error('USAGE', 'block --clear takes no --on or --reason', { argument: '--clear' });
    if (!clear && typeof on !== 'string')
      throw new S2Error('USAGE', 'block needs --on SESSION:PHASE --reason TEXT (or --clear)', { argument: '--on' });
    if (!clear && (typeof reason !== 'string' || !reason.trim()))
      throw new S2Error('USAGE', 'block needs --reason TEXT: say in a sentence what you wait for', {
        argument: '--reason',
      });
    const s = await ctx.open();
    if (typeof on === 'string') {
      const { snapshot } = await s.view();
      const me = s.requireSession(snapshot.plan);
      const ref = phaseRefArg(snapshot.plan, '--on', on);
      if (ref.session === me)
        throw new S2Error('USAGE', `--on ${on}: ${me} cannot wait on its own phase`, { argument: '--on' });
    }
    const view = await declareBlock(s, clear ? null : (on as string), String(reason ?? ''));
    const me = view.sessions.find((x) => x.id === s.session);
    ctx.out(
      { ok: true, blockedBy: me?.blockedBy ?? [] },
      clear
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
  maxPositionals: 0,
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
