/**
 * Private keys live outside the repository, under S2_HOME (default ~/.config/s2), one file
 * per swarm and signer, readable by the owner only. The manifest holds only public keys.
 */
import { createPublicKey } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { isSafeName, SAFE_NAME_RULE } from '../core/names';
import { generateKeyPair, KeyPair } from '../core/signing';

export function s2Home(env: NodeJS.ProcessEnv): string {
  return env['S2_HOME'] ?? path.join(os.homedir(), '.config', 's2');
}

export function keyPath(swarm: string, signer: string, env: NodeJS.ProcessEnv): string {
  // Both names become path segments under S2_HOME: never a way out of it.
  for (const [what, name] of [
    ['swarm name', swarm],
    ['signer id', signer],
  ] as const)
    if (!isSafeName(name))
      throw new S2Error(
        'USAGE',
        `${what} ${JSON.stringify(name)} cannot name a key file: it must be ${SAFE_NAME_RULE}`,
      );
  return path.join(s2Home(env), 'keys', swarm, `${signer}.key`);
}

export async function loadPrivateKey(swarm: string, signer: string, env: NodeJS.ProcessEnv): Promise<string> {
  const file = keyPath(swarm, signer, env);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new S2Error(
      'KEY_MISSING',
      `no private key for ${signer} in swarm ${swarm}: expected ${file}. Copy the key there (s2 init creates it; s2 import v1 creates keys for imported sessions), or set S2_HOME`,
      { file },
    );
  }
}

/** Creates a key pair for `signer` unless one exists; returns the public key either way. */
export async function ensureKeyPair(
  swarm: string,
  signer: string,
  env: NodeJS.ProcessEnv,
): Promise<KeyPair & { created: boolean }> {
  const file = keyPath(swarm, signer, env);
  try {
    const privateKey = await fs.readFile(file, 'utf8');
    return {
      privateKey,
      publicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
      created: false,
    };
  } catch {
    const pair = generateKeyPair();
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await fs.writeFile(file, pair.privateKey, { mode: 0o600 });
    return { ...pair, created: true };
  }
}
