/**
 * An organisation's ledger key file (`privgate keys generate`, `privgate ledger init`; format of
 * `ledger/src/node/key-file.ts`), opened in the browser: a plain file as is, a sealed one with its
 * passphrase (scrypt N = 2^15, r = 8, p = 1 from @noble/hashes, then AES-256-GCM by WebCrypto). The key
 * stays in this page's memory: it is never sent, never stored, and the private key bytes are wiped once
 * the signer holds the scalar.
 */
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { getSm2PublicKey, Sm2Signer } from '@privgate/accel';
import { bytesEqual, fromHex, toHex } from '@privgate/ledger';
import { z } from 'zod';

/** Largest key file accepted, in bytes (a real one is under 1 KiB). */
export const MAX_KEY_FILE_BYTES = 16 * 1024;

const Hex = z.string().regex(/^([0-9a-f]{2})*$/, 'must be lower-case hex');
const KeyFileSchema = z.object({
  version: z.literal(1),
  kind: z.literal('privgate-node-key'),
  id: z.string().min(1).max(128),
  sm2PublicKey: Hex,
  peerId: z.string().min(1).max(128),
  secret: z.discriminatedUnion('encoding', [
    z.object({ encoding: z.literal('plain'), sm2PrivateKey: Hex, peerKey: Hex }),
    z.object({
      encoding: z.literal('scrypt-aes-256-gcm'),
      salt: Hex,
      iv: Hex,
      tag: Hex,
      ciphertext: Hex,
    }),
  ]),
});

/** Why a key file cannot be used. */
export class KeyFileError extends Error {
  readonly code: 'KEY_FILE_INVALID' | 'KEY_FILE_PASSPHRASE';

  constructor(code: KeyFileError['code'], message: string) {
    super(message);
    this.name = 'KeyFileError';
    this.code = code;
  }
}

/** An opened key: the organisation's id and its signer. */
export interface LoadedKey {
  id: string;
  signer: Sm2Signer;
  /** SEC1 uncompressed public key, hex. */
  publicKeyHex: string;
  sealed: boolean;
}

/** Whether a key file's text is sealed (needs a passphrase); undefined when it is not a key file. */
export function keyFileIsSealed(text: string): boolean | undefined {
  try {
    return KeyFileSchema.parse(JSON.parse(text)).secret.encoding !== 'plain';
  } catch {
    return undefined;
  }
}

/**
 * Opens a key file's text.
 * @throws {KeyFileError} `KEY_FILE_INVALID` for a malformed or inconsistent file, `KEY_FILE_PASSPHRASE`
 *   for a sealed file without the right passphrase.
 */
export async function openKeyFile(text: string, passphrase?: string): Promise<LoadedKey> {
  if (text.length > MAX_KEY_FILE_BYTES) {
    throw new KeyFileError('KEY_FILE_INVALID', `a key file is at most ${MAX_KEY_FILE_BYTES} bytes`);
  }
  let file: z.output<typeof KeyFileSchema>;
  try {
    file = KeyFileSchema.parse(JSON.parse(text));
  } catch (err) {
    const reason =
      err instanceof z.ZodError
        ? (err.issues[0]?.path.join('.') ?? '') + ': ' + err.issues[0]?.message
        : 'not JSON';
    throw new KeyFileError('KEY_FILE_INVALID', `not a PrivGate key file (${reason})`);
  }
  let privateHex: string;
  if (file.secret.encoding === 'plain') {
    privateHex = file.secret.sm2PrivateKey;
  } else {
    if (passphrase === undefined || passphrase === '') {
      throw new KeyFileError(
        'KEY_FILE_PASSPHRASE',
        `the key file of ${file.id} is sealed: enter its passphrase`,
      );
    }
    privateHex = await unseal(file.secret, passphrase, file.id);
  }
  const privateKey = fromHex(privateHex);
  try {
    const publicKey = fromHex(file.sm2PublicKey);
    let derived: Uint8Array;
    try {
      derived = getSm2PublicKey(privateKey);
    } catch {
      throw new KeyFileError('KEY_FILE_INVALID', 'the private key is not an SM2 key');
    }
    if (!bytesEqual(derived, publicKey)) {
      throw new KeyFileError('KEY_FILE_INVALID', 'the public key does not match the private key');
    }
    return {
      id: file.id,
      signer: new Sm2Signer(privateKey),
      publicKeyHex: toHex(publicKey),
      sealed: file.secret.encoding !== 'plain',
    };
  } finally {
    privateKey.fill(0);
  }
}

async function unseal(
  s: { salt: string; iv: string; tag: string; ciphertext: string },
  passphrase: string,
  id: string,
): Promise<string> {
  const key = await scryptAsync(new TextEncoder().encode(passphrase), fromHex(s.salt), {
    N: 1 << 15,
    r: 8,
    p: 1,
    dkLen: 32,
    maxmem: 64 << 20,
  });
  try {
    const aes = await crypto.subtle.importKey('raw', new Uint8Array(key), 'AES-GCM', false, ['decrypt']);
    const sealed = new Uint8Array([...fromHex(s.ciphertext), ...fromHex(s.tag)]);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(fromHex(s.iv)), tagLength: 128 },
      aes,
      sealed,
    );
    const secrets = JSON.parse(new TextDecoder().decode(plain)) as { sm2PrivateKey?: unknown };
    if (typeof secrets.sm2PrivateKey !== 'string' || !/^[0-9a-f]{64}$/.test(secrets.sm2PrivateKey)) {
      throw new Error('no SM2 private key inside');
    }
    return secrets.sm2PrivateKey;
  } catch {
    throw new KeyFileError('KEY_FILE_PASSPHRASE', `the key file of ${id}: wrong passphrase or tampered file`);
  } finally {
    key.fill(0);
  }
}
