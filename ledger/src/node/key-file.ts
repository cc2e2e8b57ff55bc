// A node's secret keys on disk: its SM2 signing key (transactions, votes) and its libp2p peer key.
// The file is written with mode 0600 and refused on load if group or others can read it (as ssh does);
// with a passphrase the secrets are sealed with scrypt (N = 2^15, r = 8, p = 1) + AES-256-GCM, and the
// public parts stay readable so genesis tooling needs no passphrase.
import { createCipheriv, createDecipheriv, scryptSync } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { generateSm2KeyPair, getSm2PublicKey } from '@privgate/accel';
import { z } from 'zod';
import { newPeerKey } from '../net/network.ts';
import { LedgerNodeError } from './errors.ts';

/** The secrets of a node. */
export interface NodeSecrets {
  sm2PrivateKey: Uint8Array;
  peerKey: Uint8Array;
}

/** A loaded key file. */
export interface NodeKeys extends NodeSecrets {
  id: string;
  sm2PublicKey: Uint8Array;
  peerId: string;
}

const hex = z.string().regex(/^[0-9a-f]*$/);
const KeyFileSchema = z.object({
  version: z.literal(1),
  kind: z.literal('privgate-node-key'),
  id: z.string().min(1).max(128),
  sm2PublicKey: hex,
  peerId: z.string().min(1).max(128),
  secret: z.discriminatedUnion('encoding', [
    z.object({ encoding: z.literal('plain'), sm2PrivateKey: hex, peerKey: hex }),
    z.object({
      encoding: z.literal('scrypt-aes-256-gcm'),
      salt: hex,
      iv: hex,
      tag: hex,
      ciphertext: hex,
    }),
  ]),
});

const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 << 20 } as const;
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

/** Generates fresh keys for a node id. */
export async function generateNodeKeys(id: string): Promise<NodeKeys> {
  const sm2 = generateSm2KeyPair();
  const peer = await newPeerKey();
  return {
    id,
    sm2PrivateKey: sm2.privateKey,
    sm2PublicKey: sm2.publicKey,
    peerKey: peer.peerKey,
    peerId: peer.peerId,
  };
}

/**
 * Writes a key file with mode 0600, sealed when a passphrase is given.
 */
export function writeKeyFile(path: string, keys: NodeKeys, passphrase?: string): void {
  const secretJson = JSON.stringify({
    sm2PrivateKey: toHex(keys.sm2PrivateKey),
    peerKey: toHex(keys.peerKey),
  });
  let secret: z.infer<typeof KeyFileSchema>['secret'];
  if (passphrase) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const key = scryptSync(passphrase, salt, 32, SCRYPT);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = Buffer.concat([cipher.update(secretJson, 'utf8'), cipher.final()]);
    secret = {
      encoding: 'scrypt-aes-256-gcm',
      salt: toHex(salt),
      iv: toHex(iv),
      tag: toHex(cipher.getAuthTag()),
      ciphertext: toHex(ciphertext),
    };
    key.fill(0);
  } else {
    const parsed = JSON.parse(secretJson) as { sm2PrivateKey: string; peerKey: string };
    secret = { encoding: 'plain', ...parsed };
  }
  const file = {
    version: 1,
    kind: 'privgate-node-key',
    id: keys.id,
    sm2PublicKey: toHex(keys.sm2PublicKey),
    peerId: keys.peerId,
    secret,
  };
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its old mode on write
}

/**
 * Loads a key file.
 * @throws {LedgerNodeError} KEY_FILE_PERMISSIONS if group/others may read it, KEY_FILE_INVALID if
 * malformed or inconsistent, KEY_FILE_PASSPHRASE if sealed and the passphrase is missing or wrong.
 */
export function readKeyFile(path: string, passphrase?: string): NodeKeys {
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    throw new LedgerNodeError(
      'KEY_FILE_PERMISSIONS',
      `key file ${path} is accessible by group or others (mode ${mode.toString(8)}); chmod 600 it`,
      { path },
    );
  }
  let file: z.infer<typeof KeyFileSchema>;
  try {
    file = KeyFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    throw new LedgerNodeError('KEY_FILE_INVALID', `key file ${path} is malformed`, {
      path,
      reason: err instanceof Error ? err.message : String(err),
    });
  }
  let secrets: { sm2PrivateKey: string; peerKey: string };
  if (file.secret.encoding === 'plain') {
    secrets = file.secret;
  } else {
    if (!passphrase)
      throw new LedgerNodeError(
        'KEY_FILE_PASSPHRASE',
        `key file ${path} is sealed: a passphrase is required`,
        { path },
      );
    const s = file.secret;
    const key = scryptSync(passphrase, fromHex(s.salt), 32, SCRYPT);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, fromHex(s.iv));
      decipher.setAuthTag(fromHex(s.tag));
      secrets = JSON.parse(
        Buffer.concat([decipher.update(fromHex(s.ciphertext)), decipher.final()]).toString('utf8'),
      );
    } catch {
      throw new LedgerNodeError(
        'KEY_FILE_PASSPHRASE',
        `key file ${path}: wrong passphrase or tampered file`,
        { path },
      );
    } finally {
      key.fill(0);
    }
  }
  const keys: NodeKeys = {
    id: file.id,
    sm2PrivateKey: fromHex(secrets.sm2PrivateKey),
    sm2PublicKey: fromHex(file.sm2PublicKey),
    peerKey: fromHex(secrets.peerKey),
    peerId: file.peerId,
  };
  const derived = getSm2PublicKey(keys.sm2PrivateKey);
  if (Buffer.compare(Buffer.from(derived), Buffer.from(keys.sm2PublicKey)) !== 0) {
    throw new LedgerNodeError(
      'KEY_FILE_INVALID',
      `key file ${path}: public key does not match the private key`,
      { path },
    );
  }
  return keys;
}
