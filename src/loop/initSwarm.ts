import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { S2Error } from '../core/errors';
import { MANIFEST_PATH, parseManifest, SwarmPlan } from '../core/manifest';
import { runGit } from '../git/gitProcess';
import { ensureKeyPair } from '../git/keyStore';

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

export async function initSwarm(
  o: InitOptions,
): Promise<{ plan: SwarmPlan; commit: string; keysCreated: string[]; file: string }> {
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
  for (const a of approvers) {
    const k = await ensureKeyPair(first.swarm, `approver-${a}`, o.env);
    if (k.created) keysCreated.push(`approver-${a}`);
    doc.setIn(['approvers', a, 'publicKey'], k.publicKey);
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
  const head = await runGit(['rev-parse', 'HEAD'], { cwd: o.repo });
  return { plan, commit: head.stdout.trim(), keysCreated, file };
}
