/**
 * A gateway whose ledger view is a block behind: the entry gateway saw the opening committed, the
 * resolver and a holder read the query's audit trail from a validator that has not applied that block
 * yet. They read again (briefly) instead of refusing; a query that is never opened is still refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerClient, LocalLedger } from '../../src/ledger-client/index.ts';
import { isQueryError } from '../../src/query/index.ts';
import { GATEWAYS } from './consortium.ts';
import { POLICY_AGGREGATE, PURPOSE, startTestNetwork, type TestNetwork } from './network.ts';
import { usccOf } from './synthetic.ts';

/** How many of a gateway's next audit-trail reads come back empty (a lagging validator). */
const lag = new Map<string, number>();

/** The shared ledger, except that the audit trail lags by `lag.get(org)` reads. */
function lagging(org: string, ledger: LocalLedger): LedgerClient {
  return new Proxy(ledger, {
    get(target, property) {
      if (property === 'auditTrail') {
        return async (queryId: Uint8Array) => {
          const misses = lag.get(org) ?? 0;
          if (misses > 0) {
            lag.set(org, misses - 1);
            return [];
          }
          return target.auditTrail(queryId);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

let net: TestNetwork;

beforeAll(async () => {
  net = await startTestNetwork({ enterprises: 40, ledgerView: lagging, proverWorkers: 1 });
}, 180_000);

afterAll(async () => {
  await net?.close();
});

const ask = (subject: string) =>
  net.ask(net.gateways.bank, net.agencies.credit, {
    policyId: POLICY_AGGREGATE,
    subject,
    depth: 0,
    metrics: [{ dataset: 'tax.arrears' }],
    disclosure: { mode: 'aggregate' },
    purpose: PURPOSE,
  });

describe('participants whose validator lags behind the opening', () => {
  it('answer once their view shows the opening', async () => {
    lag.set(GATEWAYS.market, 2); // the resolver
    lag.set(GATEWAYS.tax, 3); // the holder
    const subject = usccOf(5);
    const answer = await ask(subject);
    expect(answer.output).toEqual({
      kind: 'aggregate',
      value: net.data.metrics['tax.arrears']!.get(subject),
    });
    expect(lag.get(GATEWAYS.market)).toBe(0);
    expect(lag.get(GATEWAYS.tax)).toBe(0);
  }, 120_000);

  it('still refuse a query their view never shows opened', async () => {
    lag.set(GATEWAYS.market, 1000);
    const err = await ask(usccOf(6)).catch((e: unknown) => e);
    lag.set(GATEWAYS.market, 0);
    expect(isQueryError(err) && err.code).toBe('QUERY_UNAUTHORISED');
    expect((err as Error).message).toMatch(/not opened on the ledger/);
  }, 120_000);
});
