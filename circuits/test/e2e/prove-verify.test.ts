// Proofs with the committed artifacts: the single-thread prover, the worker pool, and the batch pair the
// gateway uses (RecordInclusionBatch + ShareBindingBatch linked by their value commitments).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_SIZE,
  CircuitError,
  CircuitProver,
  CircuitProverPool,
  createCircomlibPoseidon,
  decodePublicSignals,
  type PoseidonHasher,
  PoseidonMerkleTree,
  prove,
  type RecordWitness,
  recordInclusionBatchInput,
  recordInclusionInput,
  recordLeaf,
  SHARE_PARTIES,
  shamirShare,
  shareBindingBatchInput,
  shareBindingInput,
  TREE_DEPTH,
  thresholdInput,
  verify,
  verifyProof,
} from '../../src/index.ts';
import { snarkjs } from '../../src/vendor/snarkjs.ts';

let hasher: PoseidonHasher;
let tree: PoseidonMerkleTree;
let pool: CircuitProverPool;
const records = Array.from({ length: 6 }, (_, i) => ({
  subjectId: 9000n + BigInt(i),
  fieldId: 3n,
  value: 1000n * BigInt(i + 1),
  salt: 77n + BigInt(i),
}));
const item = (i: number): RecordWitness => ({
  record: records[i]!,
  path: tree.path(i),
  blinding: 555n + BigInt(i),
});

beforeAll(async () => {
  hasher = await createCircomlibPoseidon();
  tree = await PoseidonMerkleTree.build(
    records.map((r) => recordLeaf(hasher, r)),
    { hasher, depth: TREE_DEPTH },
  );
  pool = await CircuitProverPool.create({
    workers: 2,
    preload: ['record_inclusion_batch', 'share_binding_batch'],
  });
});
afterAll(() => pool?.close());

describe('CircuitProver (committed artifacts)', () => {
  it('proves RecordInclusion(20); the proof verifies here and in snarkjs; tampering is rejected', async () => {
    const prover = await CircuitProver.load('record_inclusion');
    const input = recordInclusionInput(hasher, item(2));
    const { proof, publicSignals } = await prover.prove(input);
    expect(decodePublicSignals('record_inclusion', publicSignals)).toEqual({
      root: tree.root,
      subjectId: input.subjectId,
      fieldId: input.fieldId,
      valueCommitment: input.valueCommitment,
    });
    expect(await prover.verify(proof, publicSignals)).toBe(true);
    expect(await verifyProof('record_inclusion', proof, publicSignals)).toBe(true);
    const vkey = JSON.parse(
      await (await import('node:fs/promises')).readFile(
        new URL('../../artifacts/record_inclusion/record_inclusion.vkey.json', import.meta.url),
        'utf8',
      ),
    );
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).toBe(true);

    const tamperedSignals = [...publicSignals];
    tamperedSignals[1] = (BigInt(tamperedSignals[1]!) + 1n).toString(); // another subject
    expect(await prover.verify(proof, tamperedSignals)).toBe(false);
    expect(await prover.verify({ ...proof, pi_a: proof.pi_c }, publicSignals)).toBe(false);
    // A coordinate that is a number but not on the curve: still just a wrong proof.
    expect(await prover.verify({ ...proof, pi_a: ['1', '3', '1'] }, publicSignals)).toBe(false);
  });

  it('throws only for input that cannot be a proof at all', async () => {
    const prover = await CircuitProver.load('record_inclusion');
    const bad = { pi_a: ['x'], pi_b: [], pi_c: [], protocol: 'groth16', curve: 'bn128' };
    await expect(prover.verify(bad, ['1', '2', '3', '4'])).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    const { proof } = await prover.prove(recordInclusionInput(hasher, item(0)));
    await expect(prover.verify(proof, ['1'])).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('offers the one-call prove / verify API on a cached prover', async () => {
    const input = thresholdInput(hasher, { value: 42n, blinding: 7n, threshold: 18n, direction: 'ge' });
    const { proof, publicSignals } = await prove('threshold', input);
    expect(await verify('threshold', proof, publicSignals)).toBe(true);
    expect(await verify('threshold', proof, [publicSignals[0]!, '19', publicSignals[2]!])).toBe(false);
  });

  it('reports a failing witness as WITNESS_FAILED before proving', async () => {
    const prover = await CircuitProver.load('record_inclusion');
    const input = { ...recordInclusionInput(hasher, item(1)), root: 1n };
    await expect(prover.prove(input)).rejects.toMatchObject({ code: 'WITNESS_FAILED' });
    await expect(CircuitProver.load('nope' as 'threshold')).rejects.toMatchObject({
      code: 'CIRCUIT_UNKNOWN',
    });
  });
});

describe('CircuitProverPool', () => {
  it('proves the gateway batch pair in parallel; both verify and share their value commitments', async () => {
    const items = [0, 3, 5].slice(0, BATCH_SIZE).map(item);
    const sharings = items.map((i) => ({
      value: i.record.value,
      blinding: i.blinding,
      sharing: shamirShare(i.record.value, SHARE_PARTIES, 1),
      shareBlindings: [11n, 12n, 13n],
    }));
    const [inclusion, binding] = await Promise.all([
      pool.prove('record_inclusion_batch', recordInclusionBatchInput(hasher, items)),
      pool.prove('share_binding_batch', shareBindingBatchInput(hasher, sharings)),
    ]);
    expect(await pool.verify('record_inclusion_batch', inclusion.proof, inclusion.publicSignals)).toBe(true);
    expect(await pool.verify('share_binding_batch', binding.proof, binding.publicSignals)).toBe(true);
    const a = decodePublicSignals('record_inclusion_batch', inclusion.publicSignals);
    const b = decodePublicSignals('share_binding_batch', binding.publicSignals);
    expect(a.count).toBe(BigInt(items.length));
    expect(a.valueCommitments).toEqual(b.valueCommitments);
  });

  it('queues proofs beyond its workers for the first free one; a failing proof does not stall the queue', async () => {
    const sharing = (v: bigint) => ({
      value: v,
      blinding: 7n,
      sharing: shamirShare(v, SHARE_PARTIES, 1),
      shareBlindings: [1n, 2n, 3n],
    });
    const bad = { ...recordInclusionBatchInput(hasher, [item(1)]), root: 5n };
    const outcomes = await Promise.allSettled([
      pool.prove('share_binding', shareBindingInput(hasher, sharing(1n))),
      pool.prove('record_inclusion_batch', bad),
      pool.prove('share_binding', shareBindingInput(hasher, sharing(2n))),
      pool.prove('share_binding', shareBindingInput(hasher, sharing(3n))),
      pool.prove('share_binding', shareBindingInput(hasher, sharing(4n))),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    for (const o of outcomes) {
      if (o.status !== 'fulfilled') continue;
      expect(await pool.verify('share_binding', o.value.proof, o.value.publicSignals)).toBe(true);
    }
  });

  it('rejects queued proofs with POOL_CLOSED when closed', async () => {
    const one = await CircuitProverPool.create({ workers: 1 });
    const input = shareBindingInput(hasher, {
      value: 5n,
      blinding: 3n,
      sharing: shamirShare(5n, SHARE_PARTIES, 1),
      shareBlindings: [1n, 2n, 3n],
    });
    const proofs = [0, 1, 2].map(() => one.prove('share_binding', input).catch((e: unknown) => e));
    await one.close();
    for (const e of await Promise.all(proofs)) expect(e).toMatchObject({ code: 'POOL_CLOSED' });
    await expect(one.prove('share_binding', input)).rejects.toMatchObject({ code: 'POOL_CLOSED' });
  });

  it('re-creates CircuitError from the worker with its code and context', async () => {
    const bad = { ...recordInclusionBatchInput(hasher, [item(1)]), root: 5n };
    const error = await pool.prove('record_inclusion_batch', bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitError);
    expect(error).toMatchObject({ code: 'WITNESS_FAILED', context: { circuit: 'record_inclusion_batch' } });
  });
});
