import { sm3 } from '@privgate/accel';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/codec/canonical.ts';
import { datasetAnchorPayload } from '../../src/contracts/dataset-directory.ts';
import { identityChangeBytes } from '../../src/contracts/identity-registry.ts';
import { IdentityView } from '../../src/contracts/identity-view.ts';
import { nullifierBatchPayload } from '../../src/contracts/nullifier-registry.ts';
import { policyChangeBytes } from '../../src/contracts/policy-registry.ts';
import { proofSubmissionPayload } from '../../src/contracts/proof-submission.ts';
import { auditPayload } from '../../src/contracts/query-audit-log.ts';
import {
  auditEventKey,
  Disclosure,
  proofKey,
  readDatasetHead,
  readDatasetVersion,
  readNonce,
  readPolicy,
  readVkey,
} from '../../src/contracts/tables.ts';
import { vkeyChangeBytes } from '../../src/contracts/vkey-registry.ts';
import { TxKind } from '../../src/tx/codec.ts';
import {
  approved,
  CHAIN_ID,
  digest,
  field,
  MULTIPLIER_PROOFS,
  MULTIPLIER_VKEY,
  ORGS,
  org,
  terminateSnarkjs,
  tx,
} from './harness.ts';
import { Scenario } from './scenario.ts';

let s: Scenario;
beforeEach(async () => {
  s = await Scenario.start();
});
afterEach(async () => {
  await s.close();
});
afterAll(terminateSnarkjs);

const anchor = (dataset: string, version: number, root = field(`${dataset}@${version}`)) =>
  datasetAnchorPayload({
    dataset,
    schemaHash: digest(`schema:${dataset}`),
    recordCount: 1000 * version,
    poseidonRoot: root,
    version,
  });

describe('dataset directory', () => {
  it('anchors strictly increasing versions by the owner and keeps every version readable', async () => {
    await s.ok(s.send(ORGS.gw1, TxKind.datasetAnchor, anchor('tax-records', 1)));
    await s.ok(s.send(ORGS.gw1, TxKind.datasetAnchor, anchor('tax-records', 3)));
    const head = await readDatasetHead(s.store, 'tax-records');
    expect(head).toMatchObject({ owner: 'gw-1', latestVersion: 3, versionCount: 2 });
    expect((await readDatasetVersion(s.store, 'tax-records', 1))?.recordCount).toBe(1000);
    expect((await readDatasetVersion(s.store, 'tax-records', 3))?.poseidonRoot).toEqual(
      field('tax-records@3'),
    );
    expect(await readDatasetVersion(s.store, 'tax-records', 2)).toBeUndefined();
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.datasetAnchor, anchor('tax-records', 3))],
      'DATASET_VERSION_STALE',
    );
    await s.refuse([s.attempt(ORGS.gw2, TxKind.datasetAnchor, anchor('tax-records', 4))], 'TX_FORBIDDEN');
    await s.refuse([s.attempt(ORGS.ag1, TxKind.datasetAnchor, anchor('other', 1))], 'TX_FORBIDDEN');
    const notAField = new Uint8Array(32).fill(0xff);
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.datasetAnchor, anchor('other', 1, notAField))],
      'TX_MALFORMED',
    );
  });
});

describe('transaction envelope at apply time', () => {
  it('refuses forged, mutated, unknown-signer, replayed, gapped, stale and foreign transactions', async () => {
    const good = s.send(ORGS.gw1, TxKind.datasetAnchor, anchor('ds', 1));
    // Signed by another key under gw-1's name.
    const forged = tx(
      { ...ORGS.gw1, signer: ORGS.gw2.signer },
      TxKind.datasetAnchor,
      anchor('ds', 1),
      1,
      s.time + 500,
    );
    await s.refuse([forged], 'TX_BAD_SIGNATURE');
    // One flipped bit inside the payload: still canonical CBOR, but the signature no longer matches.
    const mutated = Uint8Array.from(good);
    mutated[mutated.length - 140]! ^= 0x01;
    await s.refuse([mutated], 'TX_BAD_SIGNATURE');
    await s.refuse(
      [tx(org('gw-unknown', 'gateway'), TxKind.datasetAnchor, anchor('ds', 1), 1, s.time + 500)],
      'TX_UNKNOWN_SENDER',
    );
    await s.refuse(
      [tx(ORGS.gw1, TxKind.datasetAnchor, anchor('ds', 1), 1, s.time + 500, 'other-chain')],
      'TX_WRONG_CHAIN',
    );
    await s.refuse([tx(ORGS.gw1, TxKind.datasetAnchor, anchor('ds', 1), 2, s.time + 500)], 'TX_NONCE_GAP');
    await s.refuse(
      [tx(ORGS.gw1, TxKind.datasetAnchor, anchor('ds', 1), 1, s.time - 11 * 60_000)],
      'TX_STALE',
    );
    await s.refuse([tx(ORGS.gw1, TxKind.datasetAnchor, anchor('ds', 1), 1, s.time + 120_000)], 'TX_STALE');
    await s.ok(good);
    // The same transaction again (same id), and another one reusing its nonce.
    await s.refuse([good], 'TX_REPLAY');
    await s.refuse([tx(ORGS.gw1, TxKind.datasetAnchor, anchor('ds', 2), 1, s.time + 500)], 'TX_REPLAY');
    // Twice in one block: the second is a replay.
    const next = s.attempt(ORGS.gw1, TxKind.datasetAnchor, anchor('ds', 2));
    await expect(s.validate([next, next])).rejects.toMatchObject({
      code: 'TX_REPLAY',
      context: { txIndex: 1 },
    });
    expect(await readNonce(s.store, 'gw-1')).toBe(1);
  });

  it('refuses oversized and malformed transactions inside a block', async () => {
    await s.refuse([new Uint8Array(70 * 1024)], 'TX_OVERSIZED');
    await s.refuse([new Uint8Array([0x88, 0x01, 0x02])], 'TX_MALFORMED');
  });

  it('never applies part of a transaction: a failing batch leaves none of its nullifiers', async () => {
    await s.ok(s.send(ORGS.gw1, TxKind.nullifierBatch, nullifierBatchPayload([digest('old')])));
    const fresh = [digest('a'), digest('b'), digest('c')];
    const mixed = s.attempt(
      ORGS.gw1,
      TxKind.nullifierBatch,
      nullifierBatchPayload([...fresh, digest('old')]),
    );
    const before = { root: s.store.stateRoot, dump: await s.store.dump() };
    const p = await s.commit([mixed]);
    expect(p.excluded[0]?.error.code).toBe('NULLIFIER_SEEN');
    expect(s.store.stateRoot).toEqual(before.root);
    expect(await s.store.dump()).toEqual(before.dump);
    expect(await readNonce(s.store, 'gw-1')).toBe(1);
  });
});

describe('nullifier registry', () => {
  it('registers batches and refuses any nullifier seen before, naming it', async () => {
    const batch = Array.from({ length: 100 }, (_, i) => digest(`inv-${i}`));
    await s.ok(s.send(ORGS.gw1, TxKind.nullifierBatch, nullifierBatchPayload(batch)));
    for (const n of batch.slice(0, 3)) expect(await s.store.get(new Uint8Array([0x41, ...n]))).toBeDefined();

    // Within the batch.
    const dup = [digest('x1'), digest('x2'), digest('x1')];
    const inBatch = s.attempt(ORGS.gw1, TxKind.nullifierBatch, nullifierBatchPayload(dup));
    await expect(s.validate([inBatch])).rejects.toMatchObject({
      code: 'NULLIFIER_SEEN',
      context: { nullifier: Buffer.from(digest('x1')).toString('hex'), index: 2, where: 'batch' },
    });
    await s.refuse([inBatch], 'NULLIFIER_SEEN');

    // Against committed state (another gateway, same invoice).
    const again = s.attempt(
      ORGS.gw2,
      TxKind.nullifierBatch,
      nullifierBatchPayload([digest('fresh'), batch[42]!]),
    );
    await expect(s.validate([again])).rejects.toMatchObject({
      code: 'NULLIFIER_SEEN',
      context: { nullifier: Buffer.from(batch[42]!).toString('hex'), index: 1, where: 'state' },
    });
    await s.refuse([again], 'NULLIFIER_SEEN');

    // Earlier in the same block: the second transaction is refused, the first applies.
    const first = s.send(
      ORGS.gw1,
      TxKind.nullifierBatch,
      nullifierBatchPayload([digest('y1'), digest('y2')]),
    );
    const second = s.attempt(
      ORGS.gw2,
      TxKind.nullifierBatch,
      nullifierBatchPayload([digest('y3'), digest('y2')]),
    );
    await expect(s.validate([first, second])).rejects.toMatchObject({
      code: 'NULLIFIER_SEEN',
      context: { txIndex: 1 },
    });
    const p = await s.commit([first, second]);
    expect(p.block.txs).toEqual([first]);
    expect(p.excluded.map((e) => e.error.code)).toEqual(['NULLIFIER_SEEN']);
    expect(await s.store.get(new Uint8Array([0x41, ...digest('y3')]))).toBeUndefined();

    await s.refuse(
      [s.attempt(ORGS.ag1, TxKind.nullifierBatch, nullifierBatchPayload([digest('z')]))],
      'TX_FORBIDDEN',
    );
  });
});

describe('identity registry', () => {
  const gw3 = org('gw-3', 'gateway');
  const upsert = (target: number) =>
    identityChangeBytes(CHAIN_ID, target, {
      op: 'upsert',
      orgId: gw3.id,
      publicKey: gw3.signer.publicKey,
      roles: ['gateway'],
    });

  it('adds an organisation with a quorum of validator approvals, effective from the next block', async () => {
    const change = upsert(0);
    const add = s.send(ORGS.au1, TxKind.identityChange, approved(change, [ORGS.v1, ORGS.v2, ORGS.v3]));
    // The new gateway's own transaction in the same block is refused: identities change at block boundaries.
    const early = tx(gw3, TxKind.datasetAnchor, anchor('gw3-data', 1), 1, s.time + 500);
    const p = await s.commit([add, early]);
    expect(p.block.txs).toEqual([add]);
    expect(p.excluded.map((e) => e.error.code)).toEqual(['TX_UNKNOWN_SENDER']);
    expect(await new IdentityView(s.store).hasRole('gw-3', 'gateway')).toBe(true);
    await s.ok(tx(gw3, TxKind.datasetAnchor, anchor('gw3-data', 1), 1, s.time + 500));

    // Replaying the same approvals (approved for version 0, the org is now at version 1).
    await s.refuse(
      [s.attempt(ORGS.au1, TxKind.identityChange, approved(change, [ORGS.v1, ORGS.v2, ORGS.v3]))],
      'VERSION_CONFLICT',
    );
  });

  it('refuses changes without a quorum of valid validator approvals', async () => {
    const change = upsert(0);
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.identityChange, approved(change, [ORGS.v1, ORGS.v2]))],
      'QUORUM_NOT_MET',
    );
    // Approvals of non-validators do not count.
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.identityChange, approved(change, [ORGS.v1, ORGS.v2, ORGS.gw2, ORGS.ag1]))],
      'QUORUM_NOT_MET',
    );
    // An approval signed over other bytes does not count.
    const other = upsert(7);
    const payload = approved(change, [ORGS.v1, ORGS.v2, ORGS.v3]);
    const forgedSig = (approved(other, [ORGS.v3])[1] as [string, Uint8Array][])[0]![1];
    (payload[1] as [string, Uint8Array][])[2]![1] = forgedSig;
    await s.refuse([s.attempt(ORGS.gw1, TxKind.identityChange, payload)], 'QUORUM_NOT_MET');
    expect(await new IdentityView(s.store).org('gw-3')).toBeUndefined();
  });

  it('rotates a key: transactions signed with the old key are refused from the next block', async () => {
    const newSigner = org('gw-1-rotated', 'gateway').signer;
    const change = identityChangeBytes(CHAIN_ID, 1, {
      op: 'upsert',
      orgId: 'gw-1',
      publicKey: newSigner.publicKey,
      roles: ['gateway'],
    });
    await s.ok(s.send(ORGS.v4, TxKind.identityChange, approved(change, [ORGS.v2, ORGS.v3, ORGS.v4])));
    await s.refuse([s.attempt(ORGS.gw1, TxKind.datasetAnchor, anchor('ds', 1))], 'TX_BAD_SIGNATURE');
    await s.ok(s.send({ ...ORGS.gw1, signer: newSigner }, TxKind.datasetAnchor, anchor('ds', 1)));
  });

  it('removes an organisation but never the last validator', async () => {
    const remove = identityChangeBytes(CHAIN_ID, 1, { op: 'remove', orgId: 'gw-2' });
    await s.ok(s.send(ORGS.v1, TxKind.identityChange, approved(remove, [ORGS.v1, ORGS.v2, ORGS.v3])));
    await s.refuse([s.attempt(ORGS.gw2, TxKind.datasetAnchor, anchor('x', 1))], 'TX_UNKNOWN_SENDER');
    const view = new IdentityView(s.store);
    expect((await view.org('gw-2'))?.version).toBe(2);
    expect(await view.validators()).toEqual(['val-1', 'val-2', 'val-3', 'val-4']);
  });
});

describe('verification keys and proofs', () => {
  const vkeyHash = sm3(MULTIPLIER_VKEY);
  const proofPayload = (i: number, signals?: string[]) =>
    proofSubmissionPayload({
      circuit: 'multiplier',
      vkeyHash,
      proof: MULTIPLIER_PROOFS[i]!.proof,
      publicSignals: signals ?? MULTIPLIER_PROOFS[i]!.publicSignals,
      context: digest(`query-${i}`),
    });

  it('records valid proofs, verified in one batch per block', async () => {
    const txs = [0, 1, 2].map((i) =>
      s.send(i === 2 ? ORGS.ag1 : ORGS.gw1, TxKind.proofSubmit, proofPayload(i)),
    );
    const before = s.l.verifier.batches;
    const p = await s.ok(...txs);
    expect(s.l.verifier.batches - before).toBe(1);
    expect(s.l.verifier.items).toBeGreaterThanOrEqual(3);
    for (const id of p.execution.txIds) expect(await s.store.get(proofKey(id))).toBeDefined();
  });

  it('refuses invalid proofs and proofs of unknown or replaced keys', async () => {
    const [c, a] = MULTIPLIER_PROOFS[0]!.publicSignals as [string, string];
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.proofSubmit, proofPayload(0, [String(BigInt(c) + 1n), a]))],
      'PROOF_INVALID',
    );
    // A valid proof of another statement under this one's signals.
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.proofSubmit, proofPayload(1, MULTIPLIER_PROOFS[0]!.publicSignals))],
      'PROOF_INVALID',
    );
    const unknown = proofSubmissionPayload({ ...decodeArgs(0), circuit: 'no-such-circuit' });
    await s.refuse([s.attempt(ORGS.gw1, TxKind.proofSubmit, unknown)], 'VKEY_UNKNOWN');
    const otherHash = proofSubmissionPayload({ ...decodeArgs(0), vkeyHash: digest('another key') });
    await s.refuse([s.attempt(ORGS.gw1, TxKind.proofSubmit, otherHash)], 'VKEY_UNKNOWN');
    await s.refuse([s.attempt(ORGS.au1, TxKind.proofSubmit, proofPayload(0))], 'TX_FORBIDDEN');
  });

  it('sets a verification key with a quorum and refuses a key that does not match its hash', async () => {
    const change = vkeyChangeBytes(CHAIN_ID, 0, { circuit: 'multiplier-v2', vkey: MULTIPLIER_VKEY });
    await s.ok(s.send(ORGS.v1, TxKind.vkeySet, approved(change, [ORGS.v1, ORGS.v2, ORGS.v4])));
    expect((await readVkey(s.store, 'multiplier-v2'))?.vkeyHash).toEqual(vkeyHash);
    await s.ok(
      s.send(
        ORGS.gw1,
        TxKind.proofSubmit,
        proofSubmissionPayload({ ...decodeArgs(1), circuit: 'multiplier-v2' }),
      ),
    );
    // Body [circuit, hash, bytes] whose hash is not SM3 of the bytes.
    const bad = encodeCanonical([1, CHAIN_ID, TxKind.vkeySet, 0, 'bad-key', digest('x'), MULTIPLIER_VKEY]);
    await s.refuse(
      [s.attempt(ORGS.v1, TxKind.vkeySet, approved(bad, [ORGS.v1, ORGS.v2, ORGS.v3]))],
      'VKEY_MISMATCH',
    );
    await s.refuse(
      [s.attempt(ORGS.v1, TxKind.vkeySet, approved(change, [ORGS.v1, ORGS.v2, ORGS.v3]))],
      'VERSION_CONFLICT',
    );
  });

  function decodeArgs(i: number) {
    return {
      circuit: 'multiplier',
      vkeyHash,
      proof: MULTIPLIER_PROOFS[i]!.proof,
      publicSignals: MULTIPLIER_PROOFS[i]!.publicSignals,
      context: null,
    };
  }
});

describe('policies and the query audit log', () => {
  const policy = {
    policyId: 'tax-credit-check',
    agency: 'agency-tax',
    queryKind: 'credit-penetration',
    datasets: ['customs-declarations', 'tax-records'],
    purpose: 'credit risk assessment',
    disclosure: Disclosure.verdict,
    maxQueries: 2,
    windowMs: 60_000,
    enabled: true,
  };
  const open = (
    queryId: Uint8Array,
    over: Partial<{ policyId: string; queryKind: string; datasets: string[]; purpose: string }> = {},
  ) =>
    auditPayload({
      op: 'open',
      queryId,
      policyId: over.policyId ?? policy.policyId,
      queryKind: over.queryKind ?? policy.queryKind,
      datasets: over.datasets ?? ['tax-records'],
      purpose: over.purpose ?? policy.purpose,
    });

  async function setup(): Promise<void> {
    await s.ok(
      s.send(ORGS.gw1, TxKind.datasetAnchor, anchor('tax-records', 1)),
      s.send(ORGS.gw1, TxKind.datasetAnchor, anchor('customs-declarations', 1)),
    );
    // The owner of every dataset sets the policy alone.
    await s.ok(s.send(ORGS.gw1, TxKind.policySet, approved(policyChangeBytes(CHAIN_ID, 0, policy), [])));
  }

  it('opens queries the policy allows and closes them with a result and proofs, or as failed', async () => {
    await setup();
    expect(await readPolicy(s.store, policy.policyId)).toMatchObject({ version: 1, agency: 'agency-tax' });
    const q1 = digest('q1');
    const q2 = digest('q2');
    await s.ok(s.send(ORGS.ag1, TxKind.queryAudit, open(q1)), s.send(ORGS.ag1, TxKind.queryAudit, open(q2)));
    const proof = s.send(
      ORGS.gw1,
      TxKind.proofSubmit,
      proofSubmissionPayload({
        circuit: 'multiplier',
        vkeyHash: sm3(MULTIPLIER_VKEY),
        proof: MULTIPLIER_PROOFS[0]!.proof,
        publicSignals: MULTIPLIER_PROOFS[0]!.publicSignals,
        context: q1,
      }),
    );
    const p = await s.ok(proof);
    const proofId = p.execution.txIds[0]!;
    await s.ok(
      s.send(
        ORGS.gw1,
        TxKind.queryAudit,
        auditPayload({
          op: 'result',
          queryId: q1,
          resultCommitment: digest('verdict: yes'),
          proofIds: [proofId],
        }),
      ),
      s.send(
        ORGS.gw2,
        TxKind.queryAudit,
        auditPayload({ op: 'failed', queryId: q2, reason: 'source timeout' }),
      ),
    );
    expect(await s.store.get(auditEventKey(q1, 0))).toBeDefined();
    expect(await s.store.get(auditEventKey(q1, 1))).toBeDefined();
    expect(await s.store.get(auditEventKey(q2, 1))).toBeDefined();
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.queryAudit, auditPayload({ op: 'failed', queryId: q1, reason: 'again' }))],
      'QUERY_NOT_OPEN',
    );
    await s.refuse([s.attempt(ORGS.ag1, TxKind.queryAudit, open(q1))], 'QUERY_EXISTS');
  });

  it('refuses queries the policy does not allow, with the reason, and leaves the state unchanged', async () => {
    await setup();
    await s.refuse([s.attempt(ORGS.ag2, TxKind.queryAudit, open(digest('a')))], 'POLICY_DENIED');
    await s.refuse(
      [s.attempt(ORGS.ag1, TxKind.queryAudit, open(digest('b'), { purpose: 'curiosity' }))],
      'POLICY_DENIED',
    );
    await s.refuse(
      [s.attempt(ORGS.ag1, TxKind.queryAudit, open(digest('c'), { datasets: ['health-records'] }))],
      'POLICY_DENIED',
    );
    await s.refuse(
      [s.attempt(ORGS.ag1, TxKind.queryAudit, open(digest('d'), { queryKind: 'raw-export' }))],
      'POLICY_DENIED',
    );
    await s.refuse(
      [s.attempt(ORGS.ag1, TxKind.queryAudit, open(digest('e'), { policyId: 'no-such-policy' }))],
      'POLICY_DENIED',
    );
    await expect(
      s.validate([s.attempt(ORGS.ag1, TxKind.queryAudit, open(digest('f'), { purpose: 'curiosity' }))]),
    ).rejects.toMatchObject({
      context: { reason: 'purpose not allowed' },
    });
    await s.refuse([s.attempt(ORGS.gw1, TxKind.queryAudit, open(digest('g')))], 'TX_FORBIDDEN');
    const close = auditPayload({
      op: 'result',
      queryId: digest('never-opened'),
      resultCommitment: digest('r'),
      proofIds: [],
    });
    await s.refuse([s.attempt(ORGS.gw1, TxKind.queryAudit, close)], 'QUERY_NOT_OPEN');
  });

  it('enforces the rate limit per window of block time', async () => {
    await setup();
    await s.ok(
      s.send(ORGS.ag1, TxKind.queryAudit, open(digest('r1'))),
      s.send(ORGS.ag1, TxKind.queryAudit, open(digest('r2'))),
    );
    await s.refuse([s.attempt(ORGS.ag1, TxKind.queryAudit, open(digest('r3')))], 'RATE_LIMITED');
    s.time += 60_000;
    await s.ok(s.send(ORGS.ag1, TxKind.queryAudit, open(digest('r3'))));
  });

  it('lets only dataset owners or a quorum set policies, and checks results reference committed proofs', async () => {
    await setup();
    const changed = { ...policy, maxQueries: 100 };
    await s.refuse(
      [s.attempt(ORGS.gw2, TxKind.policySet, approved(policyChangeBytes(CHAIN_ID, 1, changed), []))],
      'TX_FORBIDDEN',
    );
    await s.refuse(
      [s.attempt(ORGS.gw2, TxKind.policySet, approved(policyChangeBytes(CHAIN_ID, 1, changed), [ORGS.v1]))],
      'QUORUM_NOT_MET',
    );
    await s.ok(
      s.send(
        ORGS.gw2,
        TxKind.policySet,
        approved(policyChangeBytes(CHAIN_ID, 1, changed), [ORGS.v1, ORGS.v2, ORGS.v3]),
      ),
    );
    expect((await readPolicy(s.store, policy.policyId))?.maxQueries).toBe(100);
    const unknownDataset = { ...policy, policyId: 'p2', datasets: ['nope'] };
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.policySet, approved(policyChangeBytes(CHAIN_ID, 0, unknownDataset), []))],
      'DATASET_UNKNOWN',
    );
    const notAgency = { ...policy, policyId: 'p3', agency: 'gw-2' };
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.policySet, approved(policyChangeBytes(CHAIN_ID, 0, notAgency), []))],
      'POLICY_INVALID',
    );
    const q = digest('q');
    await s.ok(s.send(ORGS.ag1, TxKind.queryAudit, open(q)));
    const result = auditPayload({
      op: 'result',
      queryId: q,
      resultCommitment: digest('r'),
      proofIds: [digest('not a proof')],
    });
    await s.refuse([s.attempt(ORGS.gw1, TxKind.queryAudit, result)], 'PROOF_UNKNOWN');
  });
});
