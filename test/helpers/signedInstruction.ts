import { readFileSync } from 'node:fs';
import { signInstruction } from '../../src/core/instructionSignature';
import { keyPath } from '../../src/git/keyStore';

/** An instruction text signed by the fixture's approver (its key is kept in clear by the test init). */
export function signedInstruction(
  home: string,
  session: string,
  phase: number,
  text: string,
  approver = 'owner',
  swarm = 'test',
): string {
  const key = readFileSync(keyPath(swarm, `approver-${approver}`, { S2_HOME: home }), 'utf8');
  return signInstruction(text, session, phase, approver, key);
}
