/**
 * `s2 init`: write the manifest into the checkout of the coordination branch and commit it
 * there (the swarm's plan lives with the code). Creates a key pair per session and per
 * approver under S2_HOME and puts the public keys into the manifest. Everything is checked
 * first (schema, dependency cycles, the checkout's branch); a failure after that undoes
 * what was written.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { S2Error } from '../core/errors';
import { MANIFEST_PATH, parseManifest, SwarmPlan } from '../core/manifest';
import { planCycles } from '../core/phaseCycles';
import { commitPaths } from '../git/commitPaths';
import { ensureKeyPair, keyPath } from '../git/keyStore';
import { ensureApproverKey, loadApproverKey, passphraseFromEnv } from '../git/approverKeys';
import { manifestDigest } from '../core/manifestTrust';
import { DEFAULT_PRICING, PRICING_COMMENT } from '../core/pricingTable';
import { writeManifestApproval } from './manifestOps';
import { SwarmSession } from './swarmSession';
import { runTask } from '../git/runTask';
import { createBranch, currentBranch, localBranches, revParse, unstage } from '../git/tasks/refTasks';
import { worktreeList } from '../git/tasks/worktreeTasks';

export interface InitOptions {
  readonly repo: string;
  readonly sessions?: readonly string[];
  readonly phases?: number;
  readonly swarm?: string;
  /** A hand-written manifest to start from instead of --sessions. */
  readonly manifestText?: string;
  /** Where manifestText came from, for error messages (the person's file, not .s2/swarm.yaml). */
  readonly manifestFile?: string;
  readonly approvers?: readonly string[];
  readonly force?: boolean;
  /** The host's environment (S2_HOME, S2_COORDINATION_BRANCH, the approver passphrase). */
  readonly env: NodeJS.ProcessEnv;
  /** Encrypts new approver keys; null or absent keeps them in clear (reported by s2 status). */
  readonly passphrase?: string | null;
}

export interface InitResult {
  readonly plan: SwarmPlan;
  readonly commit: string;
  readonly keysCreated: string[];
  readonly file: string;
  /** Approvers whose private key is in clear on this machine. */
  readonly unprotected: string[];
  /** Approvers who signed the manifest just committed (the genesis, or the next link). */
  readonly signedBy: string[];
}

export function defaultManifestText(
  swarm: string,
  sessions: readonly string[],
  phases: number,
  approvers: readonly string[],
): string {
  const lines = [
    `swarm: ${swarm}`,
    'polling:',
    '  intervalSeconds: 30',
    '  heartbeatSeconds: 60',
    `approvers:`,
    ...approvers.flatMap((a) => [`  ${a}:`, `    title: ${a}`]),
    'sessions:',
  ];
  for (const s of sessions)
    lines.push(`  ${s}:`, `    title: ${s}`, '    budgetUsd: 20', '    maxAgents: 7', `    phaseCount: ${phases}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Where `s2 init` may commit: the branch the engine looks at first (S2_COORDINATION_BRANCH,
 * else main or master), or the manifest's coordinationBranch. Refused, with where to run it,
 * from any other checkout — above all a session's worktree, where the manifest would land on
 * that session's work branch and the engine would never read it.
 */
async function checkCoordinationCheckout(
  repo: string,
  plan: SwarmPlan,
  env: NodeJS.ProcessEnv,
): Promise<{ current: string; follow: string | null }> {
  const current = await runTask(currentBranch(), repo);
  const branches = await runTask(localBranches(), repo);
  const bootstrap =
    env['S2_COORDINATION_BRANCH'] || (['main', 'master'].find((b) => branches.includes(b) || b === current) ?? null);
  const named = plan.coordinationBranch ?? null;
  if (current !== null && (current === bootstrap || current === named))
    return { current, follow: named && named !== current && !branches.includes(named) ? named : null };
  const expected = bootstrap ?? named;
  const where = expected ? await worktreeOf(repo, expected) : null;
  throw new S2Error(
    'REFUSED',
    `init refused: the manifest is committed on the coordination branch ${expected ?? '(main or master)'}, but ${repo} is on ${current ?? '(detached HEAD)'}${plan.sessions.some((s) => s.branch === current) || current?.startsWith('s2/work/') ? `, a session's work branch` : ''}. ${where ? `Run it in ${where}` : expected ? `Run it in a checkout of ${expected} (git switch ${expected})` : 'Create main first (git switch -c main)'}; nothing was written.`,
    { expected, current },
  );
}

async function worktreeOf(repo: string, branch: string): Promise<string | null> {
  const list = await runTask(worktreeList(), repo).catch(() => []);
  return list.find((w) => w.branch === branch)?.path ?? null;
}

export async function initSwarm(o: InitOptions): Promise<InitResult> {
  const env = o.env;
  const file = path.join(o.repo, MANIFEST_PATH);
  const before = await fs.readFile(file, 'utf8').catch(() => null);
  if (before !== null && !o.force && !o.manifestText)
    throw new S2Error(
      'USAGE',
      `${file} already exists; pass --force to rewrite it, or --manifest FILE to start from your own`,
    );
  let text = o.manifestText;
  if (!text) {
    if (!o.sessions?.length) throw new S2Error('USAGE', 'init needs --sessions a,b,c (or --manifest FILE)');
    text = defaultManifestText(
      o.swarm ?? path.basename(o.repo),
      o.sessions,
      o.phases ?? 10,
      o.approvers?.length ? o.approvers : ['owner'],
    );
  }
  // Everything is checked before anything is written: a refused init leaves nothing behind.
  const first = parseManifest(text, o.manifestFile ?? file);
  // S2_ALLOW_PLAN_CYCLES=1 is for red-team drills that test the engine's deadlock detection.
  const loops = env['S2_ALLOW_PLAN_CYCLES'] === '1' ? [] : planCycles(first);
  if (loops.length)
    throw new S2Error(
      'MANIFEST_INVALID',
      `${o.manifestFile ?? file}: the needs make a cycle no session can ever complete: ${loops.map((c) => c.join(' → ')).join('; ')}`,
      { cycles: loops },
    );
  const branch = await checkCoordinationCheckout(o.repo, first, env);
  const keysCreated: string[] = [];
  try {
    const doc = parseDocument(text);
    for (const s of first.sessions) {
      const k = await ensureKeyPair(first.swarm, s.id, env);
      if (k.created) keysCreated.push(s.id);
      if (!s.publicKey || k.created || s.publicKey.trim() !== k.publicKey.trim())
        doc.setIn(['sessions', s.id, 'publicKey'], k.publicKey);
    }
    const approvers = Object.keys(first.approvers).length ? Object.keys(first.approvers) : (o.approvers ?? ['owner']);
    const unprotected: string[] = [];
    for (const a of approvers) {
      const passphrase = o.passphrase !== undefined ? o.passphrase : await passphraseFromEnv(env);
      const k = await ensureApproverKey(first.swarm, a, env, passphrase);
      if (k.created) keysCreated.push(`approver-${a}`);
      if (!k.protected) unprotected.push(a);
      doc.setIn(['approvers', a, 'publicKey'], k.publicKey);
    }
    if (Object.keys(first.pricing).length === 0) {
      const node = doc.createNode(DEFAULT_PRICING);
      // One model per line: the table stays readable in the manifest.
      for (const item of node.items) (item.value as { flow?: boolean }).flow = true;
      node.commentBefore = ` ${PRICING_COMMENT}`;
      doc.setIn(['pricing'], node);
    }
    const finalText = doc.toString({ lineWidth: 0 });
    const plan = parseManifest(finalText, file);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, finalText);
    await commitPaths(
      o.repo,
      [MANIFEST_PATH],
      `s2: manifest for swarm ${plan.swarm} (${plan.sessions.length} sessions)`,
    );
    const head = await runTask(revParse('HEAD'), o.repo);
    // The manifest names another coordination branch: start it here; the engine follows it from now on.
    if (branch.follow) await runTask(createBranch(branch.follow, 'HEAD'), o.repo);
    const signedBy = await signInitialManifest(o, head, plan);
    return { plan, commit: head, keysCreated, file, unprotected, signedBy };
  } catch (e) {
    await rollback(o.repo, file, before, first.swarm, keysCreated, env);
    throw e;
  }
}

/** Undo a failed init: the keys it created, the manifest file and its staging. */
async function rollback(
  repo: string,
  file: string,
  before: string | null,
  swarm: string,
  keysCreated: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  for (const k of keysCreated) await fs.rm(keyPath(swarm, k, env), { force: true });
  await runTask(unstage([MANIFEST_PATH]), repo);
  if (before === null) await fs.rm(file, { force: true });
  else await fs.writeFile(file, before);
}

/**
 * The person who runs init holds the approvers' keys: sign what was committed, as the genesis
 * when no approved manifest exists yet, else as the next link (signed by the approvers of the
 * manifest in effect whose keys are here). Reading the chain afterwards pins it in this clone.
 */
async function signInitialManifest(o: InitOptions, head: string, plan: SwarmPlan): Promise<string[]> {
  const env = o.env;
  const s = await SwarmSession.open({ repo: o.repo, env, session: null });
  try {
    const { state } = await s.reader.effectivePlan(head);
    if (state.status === 'approved') return [];
    const blob = await runTask(revParse(`${head}:${MANIFEST_PATH}`), o.repo);
    const text = await s.reader.blobText(blob);
    const signers =
      state.status === 'unsigned'
        ? Object.keys(plan.approvers)
        : Object.keys((await s.reader.effectivePlan(head)).plan.approvers);
    const signed: string[] = [];
    for (const a of signers) {
      const key = await loadApproverKey(plan.swarm, a, {
        ...env,
        ...(o.passphrase ? { S2_APPROVER_PASSPHRASE: o.passphrase } : {}),
      }).catch(() => null);
      if (!key) continue;
      await writeManifestApproval(s.writer, a, key, {
        manifest: manifestDigest(text),
        blob,
        parent: state.status === 'unsigned' ? null : state.effective,
        changed: state.changed,
        at: new Date().toISOString(),
      });
      signed.push(a);
    }
    await s.reader.effectivePlan(head);
    return signed;
  } finally {
    s.dispose();
  }
}
