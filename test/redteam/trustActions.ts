import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { signInstruction } from '../../src/core/instructionSignature';
import { keyPath } from '../../src/git/keyStore';
import { git } from '../helpers/gitFixture';
import { markDetected, RunContext } from './context';
import type { AbsentFileAction, CoordCommitAction, CoordResetAction } from './types';

/**
 * Raw-git attacks on the root of trust: a session commits to the coordination branch around
 * every guard (a manifest edit, an instruction for another session) or rewinds it. In the
 * worktree topology the rogue commits in the shared repository; in the remote topology it
 * commits in its own clone and pushes the coordination branch.
 */
const sub = (ctx: RunContext, s: string): string => s.replace(/\{\{log\}\}/g, ctx.log);

function publicKeyOf(ctx: RunContext, session: string): string {
  const text = readFileSync(path.join(ctx.f.coord, '.s2/swarm.yaml'), 'utf8');
  const m = new RegExp(`\\n  ${session}:\\n(?:    .*\\n)*?    publicKey: \\|\\n((?:      .*\\n)+)`).exec(text);
  if (!m) throw new Error(`no public key for ${session}`);
  return m[1]!;
}

/** Where the rogue commits: the shared checkout of main, or a branch of main in its own clone. */
function coordCheckout(ctx: RunContext, actor: string): { dir: string; done: () => void } {
  if (ctx.f.topology !== 'remote') return { dir: ctx.f.coord, done: () => undefined };
  const dir = ctx.f.dir(actor);
  const back = git(dir, 'rev-parse', '--abbrev-ref', 'HEAD');
  git(dir, 'fetch', '-q', 'origin');
  git(dir, 'checkout', '-q', '-B', 's2-rogue-main', 'origin/main');
  return {
    dir,
    done: () => {
      git(dir, 'push', '-q', 'origin', 'HEAD:main');
      git(dir, 'checkout', '-q', back);
    },
  };
}

export function coordCommit(ctx: RunContext, a: CoordCommitAction, actor: string): void {
  const { dir, done } = coordCheckout(ctx, actor);
  const c = a.coordCommit;
  if (c.manifest) {
    const file = path.join(dir, '.s2/swarm.yaml');
    let text = readFileSync(file, 'utf8');
    for (const [from, to] of c.manifest) {
      if (!text.includes(from)) throw new Error(`manifest edit: "${from}" is not in the manifest`);
      text = text.replace(from, sub(ctx, to));
    }
    if (c.swapKey) text = text.replace(publicKeyOf(ctx, c.swapKey.session), publicKeyOf(ctx, c.swapKey.with));
    writeFileSync(file, text);
  }
  if (c.instruction) {
    const { session, phase, signer } = c.instruction;
    const rel = `.s2/instructions/${session}/phase-${phase}.md`;
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    const text = `---\nid: ${session}-p${phase}-forged\n---\nDo phase ${phase}.\n`;
    const key = signer ? readFileSync(keyPath('test', signer, { S2_HOME: ctx.f.home }), 'utf8') : null;
    writeFileSync(path.join(dir, rel), key ? signInstruction(text, session, phase, signer!, key) : text);
  }
  git(dir, 'add', '-A', '.s2');
  git(dir, 'commit', '-q', '-m', `rogue commit by ${actor}`);
  done();
}

export function coordReset(ctx: RunContext, a: CoordResetAction, actor: string): void {
  if (ctx.f.topology !== 'remote') {
    git(ctx.f.coord, 'reset', '-q', '--hard', `HEAD~${a.coordReset}`);
    return;
  }
  const dir = ctx.f.dir(actor);
  git(dir, 'fetch', '-q', 'origin');
  git(dir, 'push', '-q', '--force', 'origin', `origin/main~${a.coordReset}:refs/heads/main`);
}

export function absentFile(ctx: RunContext, a: AbsentFileAction): void {
  const file = sub(ctx, a.absentFile);
  if (existsSync(file))
    ctx.failures.push({ tick: ctx.tick, what: `${file} exists: a command of an unapproved manifest ran` });
  else if (a.detects) markDetected(ctx, a.detects);
}
