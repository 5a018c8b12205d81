/**
 * Run the parser of each kept file and gather their facts. Facts of an instruction file count
 * only for the phases it is in force for (a superseded file's needs and tasks are dropped
 * with it); its budgets and the starter's session title count regardless. Titles come in
 * priority order: the file in force, the matrix, then superseded files.
 */
import { parseBoard, parseGuide, type BoardFacts } from './v1Board';
import type { V1File } from './v1Files';
import { parseInstruction, type InstructionFacts } from './v1Instructions';
import { parseMatrix, type MatrixFacts } from './v1Matrix';
import type { InstructionChoice } from './v1Select';
import { parseStatus, type StatusFacts } from './v1Status';
import type {
  BudgetFact,
  CompletedFact,
  ExpertiseFact,
  HelpTaskFact,
  IdleTaskFact,
  NeedFact,
  StateCandidate,
  SupportFact,
  TitleFact,
} from './v1Types';

export interface Collected {
  readonly matrices: Map<string, MatrixFacts>;
  readonly instructions: Map<string, InstructionFacts>;
  readonly statuses: Map<string, StatusFacts>;
  readonly boards: Map<string, BoardFacts>;
  readonly guides: Map<string, ExpertiseFact[]>;
  readonly titles: TitleFact[];
  readonly needs: NeedFact[];
  readonly helpTasks: HelpTaskFact[];
  readonly idleTasks: IdleTaskFact[];
  readonly supports: SupportFact[];
  readonly budgets: BudgetFact[];
  readonly expertise: ExpertiseFact[];
  readonly candidates: StateCandidate[];
  /** What v1 said each session had completed: statuses and the orchestrator's instruction headers. */
  readonly completed: CompletedFact[];
  readonly sessionTitles: Map<string, string>;
}

function inForce(f: InstructionFacts, file: V1File, choice: InstructionChoice): InstructionFacts {
  const won = (x: { session: string; phase: number }) => choice.winners.get(`${file.session}:${x.phase}`) === file;
  return {
    titles: f.titles.filter(won),
    needs: f.needs.filter(won),
    helpTasks: f.helpTasks.filter(won),
    idleTasks: f.idleTasks.filter(won),
    budgets: f.budgets,
    completed: f.completed,
    notes: f.notes,
    ...(f.sessionTitle ? { sessionTitle: f.sessionTitle } : {}),
  };
}

/** Parse every kept file by kind; `folderSession` names the session of a branch folder. */
export function collect(
  kept: readonly V1File[],
  choice: InstructionChoice,
  folderSession: (folder: string) => string | undefined,
): Collected {
  const c: Collected = {
    matrices: new Map(),
    instructions: new Map(),
    statuses: new Map(),
    boards: new Map(),
    guides: new Map(),
    titles: [],
    needs: [],
    helpTasks: [],
    idleTasks: [],
    supports: [],
    budgets: [],
    expertise: [],
    candidates: [],
    completed: [],
    sessionTitles: new Map(),
  };
  const titles = { instruction: [] as TitleFact[], matrix: [] as TitleFact[], other: [] as TitleFact[] };
  for (const file of kept) collectFile(c, titles, file, choice, folderSession);
  c.titles.push(...titles.instruction, ...titles.matrix, ...titles.other);
  return c;
}

type Titles = { instruction: TitleFact[]; matrix: TitleFact[]; other: TitleFact[] };

function collectFile(
  c: Collected,
  titles: Titles,
  file: V1File,
  choice: InstructionChoice,
  folderSession: (folder: string) => string | undefined,
): void {
  if (file.kind === 'matrix') {
    const m = parseMatrix(file.text, file.path);
    c.matrices.set(file.path, m);
    titles.matrix.push(...m.titles);
    c.needs.push(...m.needs);
    c.helpTasks.push(...m.helpTasks);
    c.idleTasks.push(...m.idleTasks);
    c.supports.push(...m.supports);
  } else if ((file.kind === 'instruction' || file.kind === 'starter') && file.session) {
    const all = parseInstruction(file);
    const f = inForce(all, file, choice);
    c.instructions.set(file.path, f);
    titles.instruction.push(...f.titles);
    titles.other.push(...all.titles.filter((t) => !f.titles.includes(t)));
    c.needs.push(...f.needs);
    c.helpTasks.push(...f.helpTasks);
    c.idleTasks.push(...f.idleTasks);
    c.budgets.push(...f.budgets);
    c.completed.push(...all.completed);
    if (f.sessionTitle && !c.sessionTitles.has(file.session)) c.sessionTitles.set(file.session, f.sessionTitle.title);
  } else if (file.kind === 'status' || file.kind === 'costReport') {
    const s = parseStatus(file, folderSession(file.folder));
    c.statuses.set(file.path, s);
    if (s.candidate && file.kind === 'status') c.candidates.push(s.candidate);
    if (s.budget) c.budgets.push(s.budget);
  } else if (file.kind === 'board') {
    const b = parseBoard(file.text, file.path);
    c.boards.set(file.path, b);
    c.candidates.push(...b.candidates);
    c.expertise.push(...b.expertise);
  } else if (file.kind === 'sessionGuide') {
    const g = parseGuide(file.text, file.path);
    c.guides.set(file.path, g);
    c.expertise.push(...g);
  }
}
