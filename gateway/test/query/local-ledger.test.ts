import { auditPayload, TxKind } from '@privgate/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerAccount, LocalLedger } from '../../src/ledger-client/index.ts';
import {
  authorizeQuery,
  checkAuthorization,
  parseQueryRequest,
  publicRequestOf,
  queryIdOf,
  queryIdOfPublic,
} from '../../src/query/index.ts';
import {
  AGENCIES,
  CHAIN_ID,
  GATEWAYS,
  openTestLedger,
  tempDir,
  testAnchorPayload,
  testSigner,
} from './consortium.ts';
import { usccOf } from './synthetic.ts';

const dir = tempDir('local-ledger');
let ledger: LocalLedger;

beforeAll(async () => {
  ledger = await openTestLedger(dir.path);
});
afterAll(async () => {
  await ledger.close();
  dir.remove();
});

const anchor = testAnchorPayload;

describe('LocalLedger', () => {
  it('commits each transaction in its own block and serves the registries', async () => {
    const tax = new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger);
    const height = ledger.height;
    const [a, b] = await Promise.all([
      tax.submit(TxKind.datasetAnchor, anchor('tax.a', 1)),
      tax.submit(TxKind.datasetAnchor, anchor('tax.b', 1)),
    ]);
    expect([a.height, b.height].sort()).toEqual([height + 1, height + 2]);
    expect(await ledger.lastNonce(GATEWAYS.tax)).toBe(2);
    expect(await ledger.datasetHead('tax.a')).toMatchObject({ owner: GATEWAYS.tax, latestVersion: 1 });
    expect((await ledger.datasetVersion('tax.b', 1))?.txId).toEqual(b.id);
    expect((await ledger.transaction(a.id))?.height).toBe(a.height);
    expect((await ledger.identity(GATEWAYS.tax))?.roles).toEqual(['gateway']);
    expect(await ledger.vkey('record_inclusion_batch')).toBeDefined();
  });

  it('reports the ledger’s own code for a refused transaction and keeps the nonce usable', async () => {
    const tax = new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger);
    await expect(tax.submit(TxKind.datasetAnchor, anchor('tax.a', 1))).rejects.toMatchObject({
      code: 'LEDGER_TX_REJECTED',
      context: { ledgerCode: 'DATASET_VERSION_STALE' },
    });
    await tax.submit(TxKind.datasetAnchor, anchor('tax.a', 2));
    expect((await ledger.datasetHead('tax.a'))?.latestVersion).toBe(2);
  });

  it('records the audit trail of a query', async () => {
    const agency = new LedgerAccount(AGENCIES.credit, testSigner(AGENCIES.credit), ledger);
    const queryId = new Uint8Array(32).fill(9);
    // No policy: the ledger refuses the opening atomically; nothing of the query is recorded.
    await expect(
      agency.submit(
        TxKind.queryAudit,
        auditPayload({
          op: 'open',
          queryId,
          policyId: 'none',
          queryKind: 'credit-penetration',
          datasets: ['tax.a'],
          purpose: 'p',
        }),
      ),
    ).rejects.toMatchObject({ context: { ledgerCode: 'POLICY_DENIED' } });
    expect(await ledger.auditTrail(queryId)).toEqual([]);
  });

  it('reopens its directory, and refuses another chain', async () => {
    const height = ledger.height;
    await ledger.close();
    ledger = await LocalLedger.open({ chainId: CHAIN_ID, dir: dir.path, sync: false });
    expect(ledger.height).toBe(height);
    await expect(LocalLedger.open({ chainId: 'other-chain', dir: dir.path })).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    });
  });
});

describe('query requests', () => {
  const request = {
    agency: AGENCIES.credit,
    policyId: 'p-1',
    subject: usccOf(5).toLowerCase(),
    depth: 2,
    metrics: [{ dataset: 'tax.arrears' }, { dataset: 'bank.loans', weight: '2' }],
    disclosure: { mode: 'verdict' as const, threshold: '1000' },
    purpose: 'credit',
    nonce: '00112233445566778899aabbccddeeff',
  };

  it('hides the subject in the public form the query id commits to', () => {
    const parsed = parseQueryRequest(request);
    expect(parsed.subject).toBe(usccOf(5));
    const pub = publicRequestOf(parsed);
    expect(JSON.stringify(pub)).not.toContain(usccOf(5));
    expect(queryIdOfPublic(pub)).toEqual(queryIdOf(parsed));
    expect(queryIdOf(parseQueryRequest({ ...request, nonce: 'ff'.repeat(16) }))).not.toEqual(
      queryIdOf(parsed),
    );
  });

  it('refuses malformed requests with QUERY_INVALID', () => {
    for (const bad of [
      { ...request, subject: '91110108000000000X' },
      { ...request, depth: 4 },
      { ...request, metrics: [{ dataset: 'tax.arrears' }, { dataset: 'tax.arrears' }] },
      { ...request, disclosure: { mode: 'verdict', threshold: '-1' } },
      { ...request, extra: 1 },
    ]) {
      expect(() => parseQueryRequest(bad)).toThrowError(expect.objectContaining({ code: 'QUERY_INVALID' }));
    }
  });

  it('binds the agency’s signed opening to exactly this request', async () => {
    const agency = new LedgerAccount(AGENCIES.credit, testSigner(AGENCIES.credit), ledger);
    const openTx = await authorizeQuery(request, agency);
    agency.resync();
    const parsed = parseQueryRequest(request);
    expect(checkAuthorization(parsed, openTx, CHAIN_ID).sender).toBe(AGENCIES.credit);
    expect(() => checkAuthorization({ ...parsed, depth: 1 }, openTx, CHAIN_ID)).toThrowError(
      expect.objectContaining({ code: 'QUERY_INVALID' }),
    );
    expect(() => checkAuthorization({ ...parsed, agency: AGENCIES.rogue }, openTx, CHAIN_ID)).toThrowError(
      expect.objectContaining({ code: 'QUERY_INVALID' }),
    );
  });
});
