/**
 * Asks a person for an approver passphrase on the terminal, without echo. Undefined when there
 * is no terminal (scripts, agents, tests): they pass S2_APPROVER_PASSPHRASE(_FILE) instead.
 */
import * as readline from 'node:readline';
import type { PassphraseSource } from '../git/approverKeys';

export function terminalPassphrase(question: string): PassphraseSource | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return () =>
    new Promise((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      const muted = rl as unknown as { _writeToOutput: (s: string) => void };
      process.stderr.write(question);
      muted._writeToOutput = () => undefined;
      rl.question('', (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer || null);
      });
    });
}
