import type { Command } from './cliTypes';
import { initCommand } from './commands/init';
import { blockersCommand, statusCommand, validateCommand } from './commands/status';
import {
  blockCommand,
  completePhaseCommand,
  heartbeatCommand,
  resetPhaseCommand,
  startPhaseCommand,
} from './commands/phase';
import { adoptCommand, helpCommand } from './commands/help';
import { agentsCommand, approveCommand, spendCommand } from './commands/budget';
import { verifyCommand } from './commands/verify';
import { pollCommand } from './commands/poll';
import { hookCommand, importUsageCommand, installHooksCommand } from './commands/hook';
import { conflictsCommand } from './commands/conflicts';
import { integrateCommand } from './commands/integrate';
import { importCommand } from './commands/importV1';
import { promptsCommand } from './commands/prompts';
import { sessionCommand } from './commands/session';
import { repairCommand } from './commands/repair';
import { instructionCommand } from './commands/instruction';
import { mcpCommand } from './commands/mcp';
import { manifestCommand } from './commands/manifest';
import { instructCommand } from './commands/instruct';

/** Every s2 command, in the order `s2 --help` lists them. */
export const commands: readonly Command[] = [
  initCommand,
  statusCommand,
  blockersCommand,
  startPhaseCommand,
  completePhaseCommand,
  resetPhaseCommand,
  blockCommand,
  heartbeatCommand,
  helpCommand,
  adoptCommand,
  verifyCommand,
  spendCommand,
  approveCommand,
  agentsCommand,
  validateCommand,
  repairCommand,
  pollCommand,
  hookCommand,
  installHooksCommand,
  importUsageCommand,
  conflictsCommand,
  integrateCommand,
  importCommand,
  promptsCommand,
  sessionCommand,
  instructionCommand,
  mcpCommand,
  manifestCommand,
  instructCommand,
];
