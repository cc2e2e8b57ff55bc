/**
 * The console opens the key files the ledger writes (`writeKeyFile`): plain ones, and sealed ones with
 * the right passphrase (its scrypt and AES-GCM are @noble/hashes and WebCrypto, the ledger's are
 * OpenSSL's); a wrong passphrase, a tampered file or a mismatched public key is refused with its code.
 * The signer it builds signs what the ledger verifies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSm2KeyPair, verifySm2 } from '@privgate/accel';
import { writeKeyFile } from '@privgate/ledger';
import { afterAll, describe, expect, it } from 'vitest';
import { keyFileIsSealed, openKeyFile } from '../../console/src/lib/key-file.ts';
import { tempDir } from '../query/consortium.ts';

const dir = tempDir('console-keys');
afterAll(() => dir.remove());

function keyFile(name: string, passphrase?: string) {
  const pair = generateSm2KeyPair();
  const path = join(dir.path, `${name}.key.json`);
  writeKeyFile(
    path,
    {
      id: name,
      sm2PrivateKey: pair.privateKey,
      sm2PublicKey: pair.publicKey,
      peerKey: new Uint8Array(0),
      peerId: 'none',
    },
    passphrase,
  );
  return { text: readFileSync(path, 'utf8'), publicKey: pair.publicKey };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('key files in the console', () => {
  it('opens a plain key file, and its signer signs what verifies with the file’s public key', async () => {
    const { text, publicKey } = keyFile('agency-a');
    expect(keyFileIsSealed(text)).toBe(false);
    const key = await openKeyFile(text);
    expect(key.id).toBe('agency-a');
    expect(key.publicKeyHex).toBe(hex(publicKey));
    expect(key.sealed).toBe(false);
    const message = new TextEncoder().encode('privgate console');
    expect(verifySm2(message, key.signer.sign(message), publicKey)).toBe(true);
  });

  it('opens a sealed key file with its passphrase only', { timeout: 30_000 }, async () => {
    const { text, publicKey } = keyFile('agency-b', 'correct horse battery staple');
    expect(keyFileIsSealed(text)).toBe(true);
    await expect(openKeyFile(text)).rejects.toMatchObject({ code: 'KEY_FILE_PASSPHRASE' });
    await expect(openKeyFile(text, 'wrong')).rejects.toMatchObject({ code: 'KEY_FILE_PASSPHRASE' });
    const key = await openKeyFile(text, 'correct horse battery staple');
    expect(key.publicKeyHex).toBe(hex(publicKey));
    expect(key.sealed).toBe(true);
  });

  it('refuses a tampered sealed file, a mismatched public key and what is not a key file', async () => {
    const sealed = JSON.parse(keyFile('agency-c', 'pw').text);
    sealed.secret.ciphertext = sealed.secret.ciphertext.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    await expect(openKeyFile(JSON.stringify(sealed), 'pw')).rejects.toMatchObject({
      code: 'KEY_FILE_PASSPHRASE',
    });

    const plain = JSON.parse(keyFile('agency-d').text);
    plain.sm2PublicKey = hex(generateSm2KeyPair().publicKey);
    await expect(openKeyFile(JSON.stringify(plain))).rejects.toThrow(/does not match/);

    await expect(openKeyFile('not json')).rejects.toMatchObject({ code: 'KEY_FILE_INVALID' });
    await expect(openKeyFile(JSON.stringify({ kind: 'something-else' }))).rejects.toMatchObject({
      code: 'KEY_FILE_INVALID',
    });
    await expect(openKeyFile(' '.repeat(20_000))).rejects.toMatchObject({ code: 'KEY_FILE_INVALID' });
    expect(keyFileIsSealed('{}')).toBeUndefined();
  });
});
