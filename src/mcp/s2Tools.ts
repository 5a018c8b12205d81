/**
 * The agents' tools: each one is an `s2` command run in-process as the server's own session,
 * so it goes through the same operations, guards and --json output as the CLI. No tool takes
 * a session: a server (or the editor) acts only as the session it was started for.
 * Descriptions are written for a model and kept short: the whole list is context it pays for.
 */
import { z } from 'zod';
import type { Command } from '../cli/cliTypes';
import { conflictsCommand } from '../cli/commands/conflicts';
import { helpCommand } from '../cli/commands/help';
import { instructionCommand } from '../cli/commands/instruction';
import { spendCommand } from '../cli/commands/budget';
import { blockCommand, completePhaseCommand, heartbeatCommand, startPhaseCommand } from '../cli/commands/phase';
import { blockersCommand, statusCommand } from '../cli/commands/status';
import { verifyCommand } from '../cli/commands/verify';

export interface ToolArgv {
  readonly positionals: string[];
  readonly values: Record<string, string | boolean>;
}

export interface S2Tool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: z.ZodRawShape;
  /** Writes records of the session (the editor asks a person to confirm these). */
  readonly writes: boolean;
  readonly command: Command;
  /** The command's positionals and flags for a validated input. */
  argv(input: Record<string, unknown>): ToolArgv;
}

const phase = z.number().int().min(1).describe('phase number');
const ref = z.string().regex(/^[^:\s]+:\d+$/, 'session:phase, e.g. sip:4');
const none = (): { positionals: string[]; values: Record<string, string | boolean> } => ({
  positionals: [],
  values: {},
});
const REFUSAL = ' A refusal is an error listing the reasons; it changed nothing.';

export const s2Tools: readonly S2Tool[] = [
  {
    name: 'status',
    title: 'Swarm status',
    description:
      "The swarm now: every session's phase, state, spend vs budget, who blocks whom; deadlocks, violations. `full: true` adds each phase's detail (large). Read-only.",
    input: { full: z.boolean().optional() },
    writes: false,
    command: statusCommand,
    argv: (i): ToolArgv => ({ positionals: [], values: i['full'] ? {} : { brief: true } }),
  },
  {
    name: 'blockers',
    title: 'Blockers',
    description:
      'Who blocks whom, ranked by how many sessions wait; deadlocks with the edge to break; gang-up help plans; critical path. Read-only.',
    input: {},
    writes: false,
    command: blockersCommand,
    argv: none,
  },
  {
    name: 'instruction',
    title: 'My instruction',
    description:
      'Your instruction (markdown) for your current phase, or for `phase`, as committed on the coordination branch; `pending` means not yet started. Read-only.',
    input: { phase: phase.optional() },
    writes: false,
    command: instructionCommand,
    argv: (i) => ({ positionals: i['phase'] === undefined ? [] : [String(i['phase'])], values: {} }),
  },
  {
    name: 'start_phase',
    title: 'Start phase',
    description: `Start your phase N before working on it. Refused unless N-1 is complete, its needs are verified and budget is left.${REFUSAL}`,
    input: { phase },
    writes: true,
    command: startPhaseCommand,
    argv: (i) => ({ positionals: [String(i['phase'])], values: {} }),
  },
  {
    name: 'complete_phase',
    title: 'Complete phase',
    description:
      "Commit your work first. Runs phase N's validation on your work branch and records the completion only if all pass; a failure is an error with the output (fix, call again).",
    input: { phase },
    writes: true,
    command: completePhaseCommand,
    argv: (i) => ({ positionals: [String(i['phase'])], values: {} }),
  },
  {
    name: 'block',
    title: 'Declare a wait',
    description:
      "Declare you wait on another session's phase (`on` session:phase, `reason`); the blocker is alerted. `clear: true` withdraws every declared wait.",
    input: { on: ref.optional(), reason: z.string().max(500).optional(), clear: z.boolean().optional() },
    writes: true,
    command: blockCommand,
    argv: (i) => ({
      positionals: [],
      values: {
        ...(typeof i['on'] === 'string' ? { on: i['on'] } : {}),
        ...(typeof i['reason'] === 'string' ? { reason: i['reason'] } : {}),
        ...(i['clear'] ? { clear: true } : {}),
      },
    }),
  },
  {
    name: 'help',
    title: 'Help a blocker',
    description: `Help a session that blocks others. claim: \`target\` (session or session:phase) and \`task\`; auto: take your gang-up task; release: drop your claim. A claim lapses unless you commit progress.${REFUSAL}`,
    input: {
      action: z.enum(['claim', 'auto', 'release']),
      target: z.string().optional(),
      task: z.string().max(500).optional(),
    },
    writes: true,
    command: helpCommand,
    argv: (i): ToolArgv => {
      if (i['action'] === 'auto') return { positionals: [], values: { auto: true } };
      if (i['action'] === 'release') return { positionals: [], values: { release: true } };
      return {
        positionals: typeof i['target'] === 'string' ? [i['target']] : [],
        values: typeof i['task'] === 'string' ? { task: i['task'] } : {},
      };
    },
  },
  {
    name: 'heartbeat',
    title: 'Heartbeat',
    description: 'Renew your liveness lease; call about once a minute during long work, or others see you as stale.',
    input: {},
    writes: true,
    command: heartbeatCommand,
    argv: none,
  },
  {
    name: 'spend',
    title: 'Report spend',
    description:
      'Record USD you spent in your append-only ledger. At 100% of budget, phases and agent spawns are refused.',
    input: {
      usd: z.number().positive().max(1e6),
      model: z.string().max(100).optional(),
      note: z.string().max(500).optional(),
    },
    writes: true,
    command: spendCommand,
    argv: (i) => ({
      positionals: [String(i['usd'])],
      values: {
        ...(typeof i['model'] === 'string' ? { model: i['model'] } : {}),
        ...(typeof i['note'] === 'string' ? { note: i['note'] } : {}),
      },
    }),
  },
  {
    name: 'verify',
    title: 'Verify a completion',
    description:
      "Verify another session's completed phase (`ref` session:phase) merged with your work branch in a temporary worktree; records a signed pass/fail. An error means it did not pass.",
    input: { ref },
    writes: true,
    command: verifyCommand,
    argv: (i) => ({ positionals: [String(i['ref'])], values: {} }),
  },
  {
    name: 'conflicts',
    title: 'Conflict forecast',
    description:
      "Which sessions' work branches will conflict when merged, and work done twice, found before anyone merges. Read-only.",
    input: {},
    writes: false,
    command: conflictsCommand,
    argv: none,
  },
];

export function s2Tool(name: string): S2Tool | undefined {
  return s2Tools.find((t) => t.name === name);
}
