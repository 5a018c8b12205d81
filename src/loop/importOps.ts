/**
 * `s2 import v1`: read the v1 files, import them (pure), and unless it is a dry run write the
 * result the way every v2 swarm is written: the manifest through initSwarm (keys created,
 * public keys filled in), the instructions committed on the coordination branch in the same
 * checkout, and each session's last known v1 state as a status record signed with its own key
 * and dated with the v1 timestamp (so a 2025 status is seen as 2025, i.e. stale); its phase and
 * state are aligned with the manifest's `baselinePhase` (see src/importer/v1Baseline.ts). Re-running
 * the same import writes nothing new; a status newer than the v1 one is kept.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { S2Error } from '../core/errors';
import { MANIFEST_PATH, parseManifest, SwarmPlan } from '../core/manifest';
import type { StatusRecord } from '../core/records';
import { commitPaths } from '../git/commitPaths';
import { ensureKeyPair } from '../git/keyStore';
import { SessionStore } from '../git/sessionStore';
import { importV1 } from '../importer/importV1';
import { importedManifest } from '../importer/v1ManifestExtras';
import type { ImportV1Result, V1State } from '../importer/v1Types';
import { readV1Material, type V1Source } from './importSources';
import { initSwarm } from './initSwarm';
import { signInstruction } from '../core/instructionSignature';
import { loadApproverKey } from '../git/approverKeys';
import { SwarmSession } from './swarmSession';
import { runTask } from '../git/runTask';
import { revParse, topLevel } from '../git/tasks/refTasks';

export interface ImportOptions {
  readonly repo: string;
  readonly cwd: string;
  readonly from: readonly string[];
  readonly dryRun: boolean;
  readonly swarm?: string;
  /** The host's environment (S2_HOME, the approver passphrase). */
  readonly env: NodeJS.ProcessEnv;
}

export interface StatusWrite {
  readonly session: string;
  readonly updatedAt: string;
  readonly commit: string | null;
  /** Why nothing was written, when nothing was. */
  readonly kept?: string;
}

export interface ImportOutcome {
  readonly result: ImportV1Result;
  readonly manifestText: string;
  readonly sources: readonly V1Source[];
  readonly files: number;
  readonly readMs: number;
  readonly importMs: number;
  readonly writeMs: number;
  readonly written: null | {
    readonly manifestFile: string;
    readonly manifestCommit: string;
    readonly instructionsCommit: string | null;
    readonly keysCreated: readonly string[];
    readonly statuses: readonly StatusWrite[];
    /** Records committed locally but not pushed yet (remote topology). */
    readonly warnings: readonly string[];
  };
}

const ms = (t0: bigint): number => Math.round(Number(process.hrtime.bigint() - t0) / 1e5) / 10;

export async function importV1Swarm(o: ImportOptions): Promise<ImportOutcome> {
  const top = await runTask(topLevel(), o.repo);
  if ('error' in top)
    throw new S2Error(
      'NOT_A_REPO',
      `${o.repo} is not inside a git repository (${top.error}); run s2 import v1 in the checkout of the coordination branch, or pass --repo DIR`,
    );
  const root = top.root;
  let t0 = process.hrtime.bigint();
  const material = await readV1Material(root, o.cwd, o.from);
  const readMs = ms(t0);
  t0 = process.hrtime.bigint();
  const result = importV1(material.files, { ...(o.swarm ? { swarm: o.swarm } : {}), branches: material.branches });
  const manifestText = stringify(importedManifest(result), { lineWidth: 0 });
  const importMs = ms(t0);
  const where = material.sources
    .map((s) => `${s.name} (${s.files} file(s)${s.skipped ? `, ${s.skipped} other file(s) not read` : ''})`)
    .join(', ');
  if (Object.keys(result.manifest.sessions).length === 0) {
    throw new S2Error(
      'USAGE',
      `no v1 sessions found in ${where}: ${material.files.length} file(s) read, none names a v1 session (INSTRUCTIONS-SESSION-*-PHASE-*.md, STATUS-SESSION-*.yaml, a coordination matrix…); nothing was written`,
      { files: material.files.length, unmapped: result.report.unmapped.length },
    );
  }
  parseManifest(manifestText);
  const base = { result, manifestText, sources: material.sources, files: material.files.length, readMs, importMs };
  if (o.dryRun) return { ...base, writeMs: 0, written: null };
  t0 = process.hrtime.bigint();
  await refuseOtherSwarm(root, result.manifest.swarm);
  const init = await initSwarm({ repo: root, manifestText, env: o.env });
  const instructionsCommit = await commitInstructions(root, result, await importSigner(init.plan, o.env));
  const { statuses, warnings } = await writeStatuses(root, init.plan.swarm, result.states, o.env);
  return {
    ...base,
    writeMs: ms(t0),
    written: {
      manifestFile: init.file,
      manifestCommit: init.commit,
      instructionsCommit,
      keysCreated: init.keysCreated,
      statuses,
      warnings,
    },
  };
}

/** An import never replaces the manifest of another swarm. */
async function refuseOtherSwarm(root: string, swarm: string): Promise<void> {
  const text = await fs.readFile(path.join(root, MANIFEST_PATH), 'utf8').catch(() => null);
  if (text === null) return;
  let existing: string;
  try {
    existing = parseManifest(text).swarm;
  } catch {
    throw new S2Error('USAGE', `${MANIFEST_PATH} exists and does not parse; fix or remove it before importing`);
  }
  if (existing !== swarm)
    throw new S2Error(
      'USAGE',
      `${MANIFEST_PATH} already holds swarm "${existing}"; the import would be swarm "${swarm}". Import into another repository, or pass --swarm ${existing} to import into this one`,
    );
}

/** The importer signs what it imports, with the key of the first approver whose key is here. */
async function importSigner(plan: SwarmPlan, env: NodeJS.ProcessEnv): Promise<{ by: string; key: string } | null> {
  for (const a of Object.keys(plan.approvers)) {
    const key = await loadApproverKey(plan.swarm, a, env).catch(() => null);
    if (key) return { by: a, key };
  }
  return null;
}

async function commitInstructions(
  root: string,
  result: ImportV1Result,
  signer: { by: string; key: string } | null,
): Promise<string | null> {
  if (result.instructions.length === 0) return null;
  for (const i of result.instructions) {
    const file = path.join(root, i.path);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, signer ? signInstruction(i.text, i.session, i.phase, signer.by, signer.key) : i.text);
  }
  const paths = [...new Set(result.instructions.map((i) => i.path))];
  const committed = await commitPaths(root, paths, `s2: import ${result.instructions.length} v1 instruction(s)`);
  if (!committed) return null;
  return runTask(revParse('HEAD'), root);
}

function importedStatus(st: StatusRecord, v: V1State): StatusRecord {
  return {
    ...st,
    state: v.state,
    phase: v.phase,
    heartbeatAt: v.updatedAt,
    blockedOn: v.blockedOn.map((on) => ({
      on,
      reason: v.v1.blockedOn.includes(on)
        ? `v1 ${v.source}: ${v.v1Status}`
        : `${v.session}:${v.phase} needs ${on}, which v1 never completed (baseline; v1 ${v.source}: ${v.v1Status})`,
      since: v.updatedAt,
    })),
  };
}

async function writeStatuses(
  root: string,
  swarm: string,
  states: readonly V1State[],
  env: NodeJS.ProcessEnv,
): Promise<{ statuses: StatusWrite[]; warnings: string[] }> {
  const s = await SwarmSession.open({ repo: root, session: null, env });
  try {
    const out: StatusWrite[] = [];
    for (const v of states) {
      const key = await ensureKeyPair(swarm, v.session, env);
      const store = new SessionStore(s.writer, v.session, key.privateKey, () => new Date(v.updatedAt));
      let kept: string | undefined;
      const r = await store.commit((files) => {
        const cur = SessionStore.statusOf(files, v.session, v.updatedAt);
        if (cur.seq > 0 && cur.updatedAt >= v.updatedAt) {
          kept =
            cur.updatedAt === v.updatedAt ? 'already imported' : `the branch has a newer status (${cur.updatedAt})`;
          return null;
        }
        return {
          status: (st) => importedStatus(st, v),
          witness: { action: 'import-v1', detail: `${v.source}: ${v.v1Status}` },
          message: `import v1 status of ${v.session} from ${v.source}`,
        };
      });
      out.push({ session: v.session, updatedAt: v.updatedAt, commit: r?.commit ?? null, ...(kept ? { kept } : {}) });
    }
    return { statuses: out, warnings: [...s.warnings] };
  } finally {
    s.dispose();
  }
}
