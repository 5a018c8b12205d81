import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { canonicalJson } from './canonicalJson';

/** The signature block carried by every record: who signed, and the Ed25519 signature in base64. */
export interface Signature {
  by: string;
  sig: string;
}

export interface KeyPair {
  publicKey: string; // SPKI PEM, as written into the manifest
  privateKey: string; // PKCS8 PEM, kept under S2_HOME, never in the repository
}

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

// Parsing a PEM per call halves the verification rate (RECIPES.md); keep KeyObjects.
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();

function publicKeyObject(pem: string): KeyObject {
  let key = publicKeys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    publicKeys.set(pem, key);
  }
  return key;
}

function privateKeyObject(pem: string): KeyObject {
  let key = privateKeys.get(pem);
  if (!key) {
    key = createPrivateKey(pem);
    privateKeys.set(pem, key);
  }
  return key;
}

/** The bytes that are signed: the canonical JSON of the record without its signature. */
export function signedPayload(record: Record<string, unknown>): Buffer {
  const { signature: _omit, ...rest } = record;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

export function signRecord<T extends Record<string, unknown>>(
  record: T,
  by: string,
  privateKeyPem: string,
): T & { signature: Signature } {
  const sig = sign(null, signedPayload(record), privateKeyObject(privateKeyPem)).toString('base64');
  return { ...record, signature: { by, sig } };
}

/** True when `record.signature` is a valid Ed25519 signature of the record by the holder of `publicKeyPem`. */
export function verifyRecord(record: Record<string, unknown>, publicKeyPem: string | undefined): boolean {
  const signature = record['signature'] as Signature | undefined;
  if (!publicKeyPem || !signature || typeof signature.sig !== 'string') return false;
  try {
    return verify(null, signedPayload(record), publicKeyObject(publicKeyPem), Buffer.from(signature.sig, 'base64'));
  } catch {
    return false;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
