// Key files: 0600 on disk, refused when readable by others, sealed with a passphrase, tamper-evident.
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateNodeKeys, readKeyFile, writeKeyFile } from '../../src/node/key-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'privgate-keys-'));

describe('node key files', () => {
  it('writes 0600 and reads back the same keys (plain)', async () => {
    const keys = await generateNodeKeys('validator-1');
    const path = join(dir, 'plain.json');
    writeKeyFile(path, keys);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readKeyFile(path)).toEqual(keys);
  });

  it('refuses a key file readable by group or others', async () => {
    const path = join(dir, 'open.json');
    writeKeyFile(path, await generateNodeKeys('v'));
    chmodSync(path, 0o644);
    expect(() => readKeyFile(path)).toThrow(expect.objectContaining({ code: 'KEY_FILE_PERMISSIONS' }));
  });

  it('seals with a passphrase: no secret in the file, wrong passphrase and tampering refused', async () => {
    const keys = await generateNodeKeys('validator-2');
    const path = join(dir, 'sealed.json');
    writeKeyFile(path, keys, 'correct horse battery staple');
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(Buffer.from(keys.sm2PrivateKey).toString('hex'));
    expect(readKeyFile(path, 'correct horse battery staple')).toEqual(keys);
    expect(() => readKeyFile(path, 'wrong')).toThrow(
      expect.objectContaining({ code: 'KEY_FILE_PASSPHRASE' }),
    );
    expect(() => readKeyFile(path)).toThrow(expect.objectContaining({ code: 'KEY_FILE_PASSPHRASE' }));
    const file = JSON.parse(text);
    file.secret.ciphertext =
      (file.secret.ciphertext[0] === '0' ? '1' : '0') + file.secret.ciphertext.slice(1);
    writeFileSync(path, JSON.stringify(file), { mode: 0o600 });
    expect(() => readKeyFile(path, 'correct horse battery staple')).toThrow(
      expect.objectContaining({ code: 'KEY_FILE_PASSPHRASE' }),
    );
  });

  it('refuses a file whose public key does not match its private key', async () => {
    const a = await generateNodeKeys('a');
    const b = await generateNodeKeys('b');
    const path = join(dir, 'mismatch.json');
    writeKeyFile(path, { ...a, sm2PublicKey: b.sm2PublicKey });
    expect(() => readKeyFile(path)).toThrow(expect.objectContaining({ code: 'KEY_FILE_INVALID' }));
    writeFileSync(path, '{"version":1}', { mode: 0o600 });
    expect(() => readKeyFile(path)).toThrow(expect.objectContaining({ code: 'KEY_FILE_INVALID' }));
  });
});
