import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FIXTURE_PASSPHRASE } from './gitFixture';
import { signInstruction } from '../../src/core/instructionSignature';
import { keyPath } from '../../src/git/keyStore';

/** An instruction text signed by the fixture's approver (decrypted with the fixture's passphrase). */
export function signedInstruction(
  home: string,
  session: string,
  phase: number,
  text: string,
  approver = 'owner',
  swarm = 'test',
): string {
  const pem = readFileSync(keyPath(swarm, `approver-${approver}`, { S2_HOME: home }), 'utf8');
  const key = pem.includes('ENCRYPTED')
    ? createPrivateKey({ key: pem, passphrase: FIXTURE_PASSPHRASE }).export({ type: 'pkcs8', format: 'pem' }).toString()
    : pem;
  return signInstruction(text, session, phase, approver, key);
}
