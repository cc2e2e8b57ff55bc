import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.ts';
import { createLogger, isSecretKey, REDACTED, redactSecrets } from '../../src/logging.ts';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: string[] = [];
  const logger = createLogger(
    { level, name: 'taxation' },
    { write: (line: string) => void lines.push(line) },
  );
  return { logger, lines, text: () => lines.join('') };
}

describe('logging redaction', () => {
  it('prints [Redacted] for privateKey and salt fields, at any depth', () => {
    const { logger, lines, text } = capture();
    logger.info(
      {
        privateKey: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
        salt: '5a17dead',
        record: { subjectId: '914403001922038216', salt: 'beefcafe', values: { amount: '100' } },
        records: [{ recordSalt: 'f00dbabe' }],
        headers: { authorization: 'Bearer eyJhbGciOi', 'content-type': 'application/json' },
        keystore: { passphrase: 'correct horse', sm2_private_key: '99aa' },
      },
      'importing',
    );
    // biome-ignore lint/suspicious/noExplicitAny: a parsed log line, probed member by member
    const entry = JSON.parse(lines[0]!) as Record<string, any>;
    expect(entry.privateKey).toBe(REDACTED);
    expect(entry.salt).toBe('[Redacted]');
    expect(entry.record.salt).toBe(REDACTED);
    expect(entry.record.subjectId).toBe('914403001922038216');
    expect(entry.record.values).toEqual({ amount: '100' });
    expect(entry.records[0].recordSalt).toBe(REDACTED);
    expect(entry.headers.authorization).toBe(REDACTED);
    expect(entry.headers['content-type']).toBe('application/json');
    expect(entry.keystore).toEqual({ passphrase: REDACTED, sm2_private_key: REDACTED });
    for (const secret of [
      'a1b2c3d4',
      '5a17dead',
      'beefcafe',
      'f00dbabe',
      'eyJhbGciOi',
      'correct horse',
      '99aa',
    ]) {
      expect(text()).not.toContain(secret);
    }
    expect(entry.msg).toBe('importing');
    expect(entry.name).toBe('taxation');
  });

  it('redacts child bindings and error contexts too', () => {
    const { logger, text } = capture();
    logger.child({ apiKey: 'k-123456', dataset: 'tax.arrears' }).info('bound');
    const err = new GatewayError('IMPORT_BAD_ROW', 'bad row', { line: 3, reason: 'x' });
    (err.context as Record<string, unknown>).salt = 'c0ffee';
    logger.error({ err }, 'failed');
    expect(text()).not.toContain('k-123456');
    expect(text()).not.toContain('c0ffee');
    expect(text()).toContain('tax.arrears');
    expect(text()).toContain('IMPORT_BAD_ROW');
  });

  it('matches key-like names without catching ordinary ones', () => {
    for (const key of [
      'privateKey',
      'PRIVATE_KEY',
      'x-private-key',
      'passphrase',
      'keyPassphrase',
      'password',
      'salt',
      'salts',
      'recordSalt',
      'Authorization',
      'cookie',
      'set-cookie',
      'apiKey',
      'accessToken',
      'secret',
      'clientSecret',
      'sk',
      'd',
      'mnemonic',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of [
      'task',
      'disk',
      'dataset',
      'subjectId',
      'amount',
      'key',
      'keys',
      'publicKey',
      'schemaHash',
      'id',
      'spin',
      'tokenCount',
    ]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it('copies rather than mutates, and survives cycles', () => {
    const value: Record<string, unknown> = { salt: 's', nested: { ok: 1 } };
    value.self = value;
    const redacted = redactSecrets(value) as Record<string, unknown>;
    expect(value.salt).toBe('s');
    expect(redacted.salt).toBe(REDACTED);
    expect(redacted.self).toBe('[Circular]');
  });
});
