import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { S2Error } from '../core/errors';
import { MANIFEST_PATH, parseManifest, SwarmPlan } from '../core/manifest';
import { runGit } from '../git/gitProcess';
import { ensureKeyPair } from '../git/keyStore';
import { ensureApproverKey, loadApproverKey, passphraseFromEnv } from '../git/approverKeys';
import { manifestDigest } from '../core/manifestTrust';
import { DEFAULT_PRICING, PRICING_COMMENT } from '../core/pricingTable';
import { writeManifestApproval } from './manifestOps';
import { SwarmSession } from './swarmSession';

/**
 * `s2 init`: write the manifest into the checkout of the coordination branch and commit it
 * there (the swarm's plan lives with the code). Creates a key pair per session and per
 * approver under S2_HOME and puts the public keys into the manifest.
 */
export interface InitOptions {
  readonly repo: string;
  readonly sessions?: readonly string[];
  readonly phases?: number;
  readonly swarm?: string;
  /** A hand-written manifest to start from instead of --sessions. */
  readonly manifestText?: string;
  readonly approvers?: readonly string[];
  readonly force?: boolean;
  readonly env?: NodeJS.ProcessEnv;
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

export async function initSwarm(o: InitOptions): Promise<InitResult> {
  const file = path.join(o.repo, MANIFEST_PATH);
  const exists = await fs.access(file).then(
    () => true,
    () => false,
  );
  if (exists && !o.force && !o.manifestText)
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
  const first = parseManifest(text, file);
  const doc = parseDocument(text);
  const keysCreated: string[] = [];
  for (const s of first.sessions) {
    const k = await ensureKeyPair(first.swarm, s.id, o.env);
    if (k.created) keysCreated.push(s.id);
    if (!s.publicKey || k.created || s.publicKey.trim() !== k.publicKey.trim())
      doc.setIn(['sessions', s.id, 'publicKey'], k.publicKey);
  }
  const approvers = Object.keys(first.approvers).length ? Object.keys(first.approvers) : (o.approvers ?? ['owner']);
  const unprotected: string[] = [];
  for (const a of approvers) {
    const passphrase = o.passphrase !== undefined ? o.passphrase : await passphraseFromEnv(o.env ?? process.env);
    const k = await ensureApproverKey(first.swarm, a, o.env ?? process.env, passphrase);
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
  await runGit(['add', '--', MANIFEST_PATH], { cwd: o.repo });
  const staged = await runGit(['diff', '--cached', '--quiet', '--', MANIFEST_PATH], {
    cwd: o.repo,
    allowFailure: true,
  });
  if (staged.code !== 0)
    await runGit(
      [
        '-c',
        'user.name=s2',
        '-c',
        'user.email=s2@localhost',
        'commit',
        '-q',
        '-m',
        `s2: manifest for swarm ${plan.swarm} (${plan.sessions.length} sessions)`,
        '--',
        MANIFEST_PATH,
      ],
      { cwd: o.repo },
    );
  const head = (await runGit(['rev-parse', 'HEAD'], { cwd: o.repo })).stdout.trim();
  const signedBy = await signInitialManifest(o, head, plan);
  return { plan, commit: head, keysCreated, file, unprotected, signedBy };
}

/**
 * The person who runs init holds the approvers' keys: sign what was committed, as the genesis
 * when no approved manifest exists yet, else as the next link (signed by the approvers of the
 * manifest in effect whose keys are here). Reading the chain afterwards pins it in this clone.
 */
async function signInitialManifest(o: InitOptions, head: string, plan: SwarmPlan): Promise<string[]> {
  const env = o.env ?? process.env;
  const s = await SwarmSession.open({ repo: o.repo, env, session: null });
  try {
    const { state } = await s.reader.effectivePlan(head);
    if (state.status === 'approved') return [];
    const blob = (await runGit(['rev-parse', `${head}:${MANIFEST_PATH}`], { cwd: o.repo })).stdout.trim();
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
