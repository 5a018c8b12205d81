import { alignStates, baselines, statusClaims } from './v1Baseline';
import { parseBranchList, type V1Branch } from './v1Branches';
import { collect, type Collected } from './v1Collect';
import { explain } from './v1Explain';
import { classifyFile, type V1File } from './v1Files';
import { buildManifest } from './v1Manifest';
import { ImportReport } from './v1Report';
import { instructionPath, renderInstruction } from './v1Sections';
import { chooseInstructions, foldCopies, type InstructionChoice } from './v1Select';
import { V1_SESSIONS } from './v1Sessions';
import { lastStates } from './v1States';
import type { ImportedInstruction, ImportV1Result, StateCandidate, V1InputFile } from './v1Types';

export interface ImportV1Options {
  /** The swarm name; by default the repository name the session starters give, else `v1-import`. */
  readonly swarm?: string;
  /** Branch folders, when the caller read each v1 branch into its own folder (a BRANCHES.tsv among the files adds to them). */
  readonly branches?: readonly V1Branch[];
}

/**
 * Import the v1 coordination files: a v2 manifest (sessions, phases, needs, help tasks,
 * expertise, budgets), each session's last known state, the instruction texts as v2
 * instruction files, and a report that accounts for every input file. Pure: no fs, no git,
 * no clock; the same files give the same result whatever their order.
 */
export function importV1(input: readonly V1InputFile[], options: ImportV1Options = {}): ImportV1Result {
  const files = [...input].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const branches = [
    ...(options.branches ?? []),
    ...files.filter((f) => /(^|\/)BRANCHES\.tsv$/i.test(f.path)).flatMap((f) => parseBranchList(f.text)),
  ];
  const byFolder = new Map(branches.map((b) => [b.folder, b]));
  const classified = files.map((f) => classifyFile(f, new Set(byFolder.keys())));
  const { kept, copies } = foldCopies(classified, byFolder);
  const choice = chooseInstructions(kept);
  const c = collect(kept, choice, (folder) => byFolder.get(folder)?.session);
  const sessions = sessionsOf(c, choice);
  const phaseCounts = countPhases(sessions, c, choice);
  const workBranches = chooseBranches(sessions, c.candidates, branches);
  const swarm = options.swarm ?? repositoryName(kept) ?? 'v1-import';
  const plan = {
    swarm,
    sessions,
    phaseCounts,
    sessionTitles: c.sessionTitles,
    titles: c.titles,
    needs: c.needs,
    helpTasks: c.helpTasks,
    budgets: c.budgets,
    expertise: c.expertise,
    branches: workBranches,
  };
  const { manifest, overruled } = buildManifest(plan);
  const baselineFacts = baselines(manifest.sessions, [...statusClaims(c.candidates), ...c.completed]);
  for (const b of baselineFacts)
    if (b.baselinePhase > 0)
      manifest.sessions[b.session] = withBaseline(manifest.sessions[b.session]!, b.baselinePhase);
  const last = lastStates(c.candidates, phaseCounts);
  const states = alignStates(last.states, manifest.sessions, baselineFacts);
  const outcome = last.outcome;
  const instructions = importedInstructions(choice, copies, manifest.sessions, byFolder);
  const report = new ImportReport();
  explain(report, { kept, copies, choice, c, outcome, overruled, branches, workBranches, baselines: baselineFacts });
  return {
    manifest,
    states,
    instructions,
    supports: c.supports,
    idleTasks: c.idleTasks,
    baselines: baselineFacts,
    sessions: V1_SESSIONS.filter((s) => sessions.includes(s.id)).map((s) => ({
      id: s.id,
      v1: s.label,
      number: s.number,
    })),
    report: report.finish(input.map((f) => f.path)),
  };
}

/** The session's manifest entry with `baselinePhase`, placed before `phases` so the YAML reads in order. */
function withBaseline(
  spec: ImportV1Result['manifest']['sessions'][string],
  baselinePhase: number,
): ImportV1Result['manifest']['sessions'][string] {
  const { phases, ...rest } = spec;
  return { ...rest, baselinePhase, ...(phases ? { phases } : {}) };
}

/** The repository the session starters name (`REPOSITORY: owner/name`). */
function repositoryName(files: readonly V1File[]): string | undefined {
  for (const f of files) {
    const m = /REPOSITORY:\s*[\w.-]+\/([\w.-]+)/.exec(f.text);
    if (m) return m[1];
  }
  return undefined;
}

function sessionsOf(c: Collected, choice: InstructionChoice): string[] {
  const seen = new Set<string>([...choice.winners.keys()].map((k) => k.split(':')[0]!));
  for (const x of [...c.titles, ...c.needs, ...c.helpTasks, ...c.supports, ...c.budgets, ...c.candidates])
    seen.add(x.session);
  for (const n of c.needs) seen.add(n.on.split(':')[0]!);
  return V1_SESSIONS.map((s) => s.id).filter((id) => seen.has(id));
}

/** A session has as many phases as the highest phase any file names for it. */
function countPhases(sessions: readonly string[], c: Collected, choice: InstructionChoice): Map<string, number> {
  const counts = new Map(sessions.map((s) => [s, 1]));
  const see = (s: string, n: number | undefined) => {
    if (n !== undefined && counts.has(s)) counts.set(s, Math.max(counts.get(s)!, n));
  };
  for (const key of choice.winners.keys()) see(key.split(':')[0]!, Number(key.split(':')[1]));
  for (const x of [...c.titles, ...c.needs, ...c.helpTasks, ...c.supports]) see(x.session, x.phase);
  for (const n of c.needs) see(n.on.split(':')[0]!, Number(n.on.split(':')[1]));
  for (const s of c.candidates) see(s.session, s.completed?.[1] ?? s.phase);
  return counts;
}

/** The branch a session's newest status names, if it exists; else the newest branch whose topic names the session. */
function chooseBranches(
  sessions: readonly string[],
  candidates: readonly StateCandidate[],
  branches: readonly V1Branch[],
): Map<string, string> {
  const known = new Set(branches.map((b) => b.branch));
  const out = new Map<string, string>();
  for (const s of sessions) {
    const named = candidates
      .filter((c) => c.session === s && c.branch && known.has(c.branch) && c.updatedAt)
      .sort((a, b) => (a.updatedAt! < b.updatedAt! ? 1 : -1))[0]?.branch;
    const topical = branches
      .filter((b) => b.session === s)
      .sort((a, b) => ((a.date ?? '') < (b.date ?? '') ? 1 : -1))[0]?.branch;
    const branch = named ?? topical;
    if (branch) out.set(s, branch);
  }
  return out;
}

function importedInstructions(
  choice: InstructionChoice,
  copies: ReturnType<typeof foldCopies>['copies'],
  sessions: Record<string, { phases?: Record<string, { title?: string } | null> }>,
  byFolder: ReadonlyMap<string, V1Branch>,
): ImportedInstruction[] {
  const out: ImportedInstruction[] = [];
  for (const [key, file] of choice.winners) {
    const [session, n] = [key.split(':')[0]!, Number(key.split(':')[1])];
    const lost = [...choice.lost]
      .filter(([, l]) => l.some((x) => x.phase === n && x.to === file))
      .map(([path]) => path);
    const older = copies.filter((x) => x.of === file && !x.identical).map((x) => x.file.path);
    const title = sessions[session]?.phases?.[String(n)]?.title ?? `Phase ${n}`;
    const branch = byFolder.get(file.folder)?.branch;
    const text = renderInstruction({
      session,
      phase: n,
      title,
      file,
      ...(branch ? { branch } : {}),
      supersedes: [...lost, ...older].sort(),
    });
    out.push({ session, phase: n, path: instructionPath(session, n), source: file.path, text });
  }
  const order = (s: string) => V1_SESSIONS.findIndex((x) => x.id === s);
  return out.sort((a, b) => order(a.session) - order(b.session) || a.phase - b.phase);
}
