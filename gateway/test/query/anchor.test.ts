/**
 * ProofAnchoring: a checked contribution's proofs go on the ledger at once, the rest with the result;
 * the result names every proof in record order; a closed anchoring submits nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerAccount } from '../../src/ledger-client/index.ts';
import {
  authorizeQuery,
  contributionProofs,
  newRequestNonce,
  ProofAnchoring,
  parseQueryRequest,
  type QueryAnswer,
  queryIdOf,
} from '../../src/query/index.ts';
import { GATEWAYS, testSigner } from './consortium.ts';
import { POLICY_AGGREGATE, PURPOSE, startTestNetwork, type TestNetwork } from './network.ts';
import { usccOf } from './synthetic.ts';

let net: TestNetwork;
let answer: QueryAnswer;
const request = (subject: string) => ({
  policyId: POLICY_AGGREGATE,
  subject,
  depth: 0,
  metrics: [{ dataset: 'tax.arrears' }, { dataset: 'customs.penalties' }],
  disclosure: { mode: 'aggregate' as const },
  purpose: PURPOSE,
});

/** Opens a fresh query on the ledger as the credit agency; its id. */
async function openQuery(subject: string): Promise<Uint8Array> {
  const full = { ...request(subject), agency: net.agencies.credit.id, nonce: newRequestNonce() };
  await net.ledger.submit(await authorizeQuery(full, net.agencies.credit));
  return queryIdOf(parseQueryRequest(full));
}

beforeAll(async () => {
  net = await startTestNetwork({ enterprises: 40, proverWorkers: 1 });
  answer = await net.ask(net.gateways.bank, net.agencies.credit, request(usccOf(3)));
}, 180_000);

afterAll(async () => {
  await net?.close();
});

describe('ProofAnchoring', () => {
  it('anchors a contribution at once, the rest with the result, naming the proofs in record order', async () => {
    const queryId = await openQuery(usccOf(4));
    const account = new LedgerAccount(GATEWAYS.bank, testSigner(GATEWAYS.bank), net.ledger);
    const [first, second] = answer.bundle.contributions;
    const anchoring = new ProofAnchoring(account, queryId);
    anchoring.add(first!);
    // The first contribution's proofs commit on their own, before the result is even built.
    const before = net.ledger.height;
    for (let i = 0; i < 100 && net.ledger.height < before + contributionProofs(first!).length; i++)
      await new Promise((r) => setTimeout(r, 20));
    const afterFirst = net.ledger.height;
    expect(afterFirst).toBe(before + contributionProofs(first!).length);

    const record = { ...answer.bundle.record, queryId: Buffer.from(queryId).toString('hex') };
    const anchored = await anchoring.finish(record, answer.bundle.contributions);
    const all = answer.bundle.contributions.flatMap(contributionProofs);
    expect(anchored.proofs).toHaveLength(all.length);
    const firstCount = contributionProofs(first!).length;
    for (const p of anchored.proofs.slice(0, firstCount)) expect(p.height).toBeLessThanOrEqual(afterFirst);
    for (const p of anchored.proofs.slice(firstCount)) expect(p.height).toBeGreaterThan(afterFirst);
    expect(anchored.answered.height).toBeGreaterThan(Math.max(...anchored.proofs.map((p) => p.height)));
    expect(second).toBeDefined();

    const trail = await net.ledger.auditTrail(queryId);
    expect(trail.map((e) => e.kind)).toEqual(['opened', 'answered']);
    const answered = trail[1]!;
    if (answered.kind !== 'answered') throw new Error('unreachable');
    expect(answered.proofIds.map((id) => Buffer.from(id).toString('hex'))).toEqual(
      anchored.proofs.map((p) => p.idHex),
    );
  }, 120_000);

  it('submits nothing once closed', async () => {
    const queryId = await openQuery(usccOf(5));
    const account = new LedgerAccount(GATEWAYS.bank, testSigner(GATEWAYS.bank), net.ledger);
    const nonce = await net.ledger.lastNonce(GATEWAYS.bank);
    const height = net.ledger.height;
    const anchoring = new ProofAnchoring(account, queryId);
    anchoring.close();
    anchoring.add(answer.bundle.contributions[0]!);
    await new Promise((r) => setTimeout(r, 300));
    expect(await net.ledger.lastNonce(GATEWAYS.bank)).toBe(nonce);
    expect(net.ledger.height).toBe(height);
    expect(await net.ledger.auditTrail(queryId)).toHaveLength(1);
  }, 60_000);
});
