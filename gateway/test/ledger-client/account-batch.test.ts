/**
 * `LedgerAccount.submitBatch` on a LocalLedger: consecutive nonces, ids a later payload can name, commits
 * in order; the first refusal is the error, and the account's next transaction still gets a valid nonce.
 */
import { sm3 } from '@privgate/accel';
import { TxKind } from '@privgate/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerAccount, type LocalLedger } from '../../src/ledger-client/index.ts';
import { GATEWAYS, openTestLedger, tempDir, testAnchorPayload, testSigner } from '../query/consortium.ts';

const dir = tempDir('account-batch');
let ledger: LocalLedger;

beforeAll(async () => {
  ledger = await openTestLedger(dir.path);
});
afterAll(async () => {
  await ledger.close();
  dir.remove();
});

const anchor = testAnchorPayload;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('LedgerAccount.submitBatch', () => {
  it('signs with consecutive nonces, returns each id as it is sent, and resolves with the commits in order', async () => {
    const tax = new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger);
    const ids: Uint8Array[] = [];
    const committed = await tax.submitBatch((send) => {
      for (const v of [1, 2, 3]) ids.push(send(TxKind.datasetAnchor, anchor('batch.a', v)));
    });
    expect(committed.map((c) => c.idHex)).toEqual(ids.map(hex));
    expect(committed.map((c) => c.height)).toEqual([...committed.map((c) => c.height)].sort((a, b) => a - b));
    expect(await ledger.lastNonce(GATEWAYS.tax)).toBe(3);
    expect((await ledger.datasetVersion('batch.a', 3))?.txId).toEqual(ids[2]);
    const tx = await ledger.transaction(ids[1]!);
    expect(hex(sm3(tx!.bytes))).toBe(hex(ids[1]!));
  });

  it('fails with the first refusal; the next transaction re-reads the nonce', async () => {
    const tax = new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger);
    await expect(
      tax.submitBatch((send) => {
        send(TxKind.datasetAnchor, anchor('batch.b', 1));
        send(TxKind.datasetAnchor, anchor('batch.b', 1)); // stale: refused
        send(TxKind.datasetAnchor, anchor('batch.b', 2)); // its nonce now skips the refused one
      }),
    ).rejects.toMatchObject({ code: 'LEDGER_TX_REJECTED', context: { ledgerCode: 'DATASET_VERSION_STALE' } });
    expect((await ledger.datasetHead('batch.b'))?.latestVersion).toBe(1);
    const next = await tax.submit(TxKind.datasetAnchor, anchor('batch.b', 2));
    expect(next.height).toBe(ledger.height);
    expect((await ledger.datasetHead('batch.b'))?.latestVersion).toBe(2);
  });

  it('a build that throws still waits for what it sent, then rethrows', async () => {
    const tax = new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger);
    await expect(
      tax.submitBatch((send) => {
        send(TxKind.datasetAnchor, anchor('batch.c', 1));
        throw new RangeError('no more');
      }),
    ).rejects.toThrow('no more');
    expect((await ledger.datasetHead('batch.c'))?.latestVersion).toBe(1);
    await tax.submit(TxKind.datasetAnchor, anchor('batch.c', 2));
    expect((await ledger.datasetHead('batch.c'))?.latestVersion).toBe(2);
  });
});
