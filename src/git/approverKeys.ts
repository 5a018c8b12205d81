/**
 * Approver keys are the root of trust, so they are kept out of the agents' reach: the private
 * key is an encrypted PKCS#8 PEM (AES-256-CBC under a PBKDF2-derived key, node:crypto) that only
 * the passphrase a person types opens. Scripts pass the passphrase in S2_APPROVER_PASSPHRASE or
 * in a file named by S2_APPROVER_PASSPHRASE_FILE. Without either and without a terminal, the
 * key is written in clear and every `s2 status` says so (APPROVER_KEY_UNPROTECTED).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { keyPath } from './keyStore';

export type PassphraseSource = () => Promise<string | null>;

export const approverSigner = (approver: string): string => `approver-${approver}`;

/** The passphrase from the environment or its file; null when neither is set. */
export async function passphraseFromEnv(env: NodeJS.ProcessEnv): Promise<string | null> {
  const direct = env['S2_APPROVER_PASSPHRASE'];
  if (direct) return direct;
  const file = env['S2_APPROVER_PASSPHRASE_FILE'];
  if (!file) return null;
  try {
    return (await fs.readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch {
    throw new S2Error('USAGE', `S2_APPROVER_PASSPHRASE_FILE names ${file}, which cannot be read`);
  }
}

export function isEncryptedPem(pem: string): boolean {
  return pem.includes('BEGIN ENCRYPTED PRIVATE KEY');
}

/** Creates the approver's key pair unless it exists; encrypted when a passphrase is given. */
export async function ensureApproverKey(
  swarm: string,
  approver: string,
  env: NodeJS.ProcessEnv,
  passphrase: string | null,
): Promise<{ publicKey: string; created: boolean; protected: boolean }> {
  const file = keyPath(swarm, approverSigner(approver), env);
  const existing = await fs.readFile(file, 'utf8').catch(() => null);
  if (existing !== null) {
    const enc = isEncryptedPem(existing);
    if (enc && !passphrase)
      throw new S2Error(
        'KEY_MISSING',
        `the key of approver ${approver} (${file}) is protected by a passphrase: set S2_APPROVER_PASSPHRASE or S2_APPROVER_PASSPHRASE_FILE, or run from a terminal`,
      );
    const key = openPem(existing, passphrase, approver, file);
    return {
      publicKey: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
      created: false,
      protected: enc,
    };
  }
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pem = passphrase
    ? privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString()
    : privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.writeFile(file, pem, { mode: 0o600 });
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    created: true,
    protected: !!passphrase,
  };
}

/** The approver's private key as a clear PKCS#8 PEM in memory, asking for the passphrase if it is encrypted. */
export async function loadApproverKey(
  swarm: string,
  approver: string,
  env: NodeJS.ProcessEnv,
  ask?: PassphraseSource,
): Promise<string> {
  const file = keyPath(swarm, approverSigner(approver), env);
  const pem = await fs.readFile(file, 'utf8').catch(() => {
    throw new S2Error(
      'KEY_MISSING',
      `no private key for approver ${approver} of swarm ${swarm}: expected ${file} (s2 init creates it on the person's machine; agents never hold it)`,
      { file },
    );
  });
  if (!isEncryptedPem(pem)) return pem;
  const passphrase = (await passphraseFromEnv(env)) ?? (ask ? await ask() : null);
  if (!passphrase)
    throw new S2Error(
      'KEY_MISSING',
      `the key of approver ${approver} is protected by a passphrase: type it (run from a terminal), or set S2_APPROVER_PASSPHRASE / S2_APPROVER_PASSPHRASE_FILE`,
      { file },
    );
  return openPem(pem, passphrase, approver, file).export({ type: 'pkcs8', format: 'pem' }).toString();
}

function openPem(pem: string, passphrase: string | null, approver: string, file: string) {
  try {
    return createPrivateKey(passphrase ? { key: pem, passphrase } : pem);
  } catch {
    throw new S2Error('REFUSED', `wrong passphrase for approver ${approver}'s key (${file})`, { file });
  }
}

/** Approvers of `swarm` whose private key sits in clear under S2_HOME on this machine. */
export async function unprotectedApproverKeys(
  swarm: string,
  approvers: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ approver: string; file: string }[]> {
  const out: { approver: string; file: string }[] = [];
  for (const a of approvers) {
    const file = keyPath(swarm, approverSigner(a), env);
    // Synchronous: every `s2 status` asks, and this is its only promise-based file call (bench/PROFILE.md).
    let pem: string | null = null;
    try {
      pem = readFileSync(file, 'utf8');
    } catch {
      /* no key here */
    }
    if (pem !== null && !isEncryptedPem(pem)) out.push({ approver: a, file });
  }
  return out;
}
