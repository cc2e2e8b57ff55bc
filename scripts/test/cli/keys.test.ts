/**
 * `privgate keys generate | show` through the real CLI: the key file is 0600, loads with the ledger's
 * reader, is sealed under a passphrase (and refused without it), and `show` never prints a secret.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKeyFile } from '@privgate/ledger';
import { afterAll, describe, expect, it } from 'vitest';
import { runPrivgate } from '../../src/demo/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'privgate-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('privgate keys', () => {
  it('generates a 0600 key file that show prints without its secrets', async () => {
    const file = join(dir, 'agency.json');
    const gen = await runPrivgate(['keys', 'generate', '--org', 'agency.credit', '--out', file, '--json']);
    expect(gen.code, gen.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keys = readKeyFile(file);
    expect(keys.id).toBe('agency.credit');
    const printed = JSON.parse(gen.stdout);
    expect(printed).toMatchObject({ org: 'agency.credit', sealed: false });
    expect(printed.sm2PublicKey).toBe(Buffer.from(keys.sm2PublicKey).toString('hex'));

    const show = await runPrivgate(['keys', 'show', file]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(printed.sm2PublicKey);
    const secret = Buffer.from(keys.sm2PrivateKey).toString('hex');
    expect(show.stdout + show.stderr).not.toContain(secret);
    expect(show.stdout + show.stderr).not.toContain(Buffer.from(keys.peerKey).toString('hex'));
  });

  it('seals the file under a passphrase; the ledger reader needs it', async () => {
    const file = join(dir, 'sealed.json');
    const gen = await runPrivgate(
      ['keys', 'generate', '--org', 'gw-tax', '--out', file, '--passphrase-env', 'PG_TEST_PASS'],
      { PG_TEST_PASS: 'correct horse' },
    );
    expect(gen.code, gen.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('scrypt-aes-256-gcm');
    expect(() => readKeyFile(file)).toThrow(/passphrase/);
    expect(() => readKeyFile(file, 'wrong')).toThrow(/passphrase/);
    expect(readKeyFile(file, 'correct horse').id).toBe('gw-tax');
    const show = await runPrivgate(['keys', 'show', '--json', file]);
    expect(JSON.parse(show.stdout)).toMatchObject({ org: 'gw-tax', sealed: true, mode: '0600' });
  });

  it('refuses an unset passphrase variable, an existing file, a bad org id and a non-key file', async () => {
    const existing = join(dir, 'existing.json');
    const notKey = join(dir, 'not-key.json');
    writeFileSync(existing, '{}', { mode: 0o600 });
    writeFileSync(notKey, '{"hello":1}');
    const [unset, again, bad, shown] = await Promise.all([
      runPrivgate([
        'keys',
        'generate',
        '--org',
        'x',
        '--out',
        join(dir, 'u.json'),
        '--passphrase-env',
        'PG_UNSET',
      ]),
      runPrivgate(['keys', 'generate', '--org', 'x', '--out', existing]),
      runPrivgate(['keys', 'generate', '--org', 'no spaces', '--out', join(dir, 'b.json')]),
      runPrivgate(['keys', 'show', notKey]),
    ]);
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toMatch(/unset or empty/);
    expect(existsSync(join(dir, 'u.json'))).toBe(false);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/exists/);
    expect(readFileSync(existing, 'utf8')).toBe('{}');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/identifier/);
    expect(shown.code).not.toBe(0);
    expect(shown.stderr).toMatch(/not a privgate key file/);
  });

  it('show warns about a key file others can read', async () => {
    const file = join(dir, 'loose.json');
    expect((await runPrivgate(['keys', 'generate', '--org', 'loose', '--out', file])).code).toBe(0);
    chmodSync(file, 0o644);
    const show = await runPrivgate(['keys', 'show', file]);
    expect(show.stderr).toMatch(/chmod 600/);
  });
});
