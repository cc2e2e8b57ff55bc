// Received proofs verified in batches on the accelerator (ProofBatchVerifier, CircuitProverPool.verify)
// against snarkjs's groth16.verify as the oracle: valid proofs of two circuits, tampered signals and
// points, coalescing of concurrent calls, and the INPUT_INVALID contract for input that is no proof.
import { createWorkersAccelerator } from '@privgate/accel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CircuitProof,
  createCircomlibPoseidon,
  ProofBatchVerifier,
  prove,
  releaseSnarkjsCurve,
  thresholdInput,
  verificationKey,
} from '../../src/index.ts';
import { snarkjs } from '../../src/vendor/snarkjs.ts';

const accel = createWorkersAccelerator({ size: 2 });
let proofs: CircuitProof<'threshold'>[];

beforeAll(async () => {
  const hasher = await createCircomlibPoseidon();
  proofs = [];
  for (const value of [5n, 17n]) {
    proofs.push(
      await prove(
        'threshold',
        thresholdInput(hasher, { value, blinding: 9n + value, threshold: 40n, direction: 'le' }),
      ),
    );
  }
});
afterAll(async () => {
  await accel.close();
  await releaseSnarkjsCurve();
});

describe('ProofBatchVerifier', () => {
  it("concurrent single calls give snarkjs's verdicts, valid and tampered", async () => {
    const verifier = new ProofBatchVerifier({ accel });
    const vkey = await verificationKey('threshold');
    const [p0, p1] = proofs as [CircuitProof<'threshold'>, CircuitProof<'threshold'>];
    const cases: [string[], typeof p0.proof][] = [
      [p0.publicSignals, p0.proof],
      [p1.publicSignals, p1.proof],
      [[p0.publicSignals[0]!, '41', p0.publicSignals[2]!], p0.proof],
      [p1.publicSignals, { ...p1.proof, pi_a: p0.proof.pi_a }],
      [p0.publicSignals, { ...p0.proof, pi_c: ['1', '3', '1'] }],
    ];
    const got = await Promise.all(cases.map(([s, p]) => verifier.verify('threshold', p, s)));
    const want = await Promise.all(
      cases.map(([s, p]) => snarkjs.groth16.verify(vkey, s, p).catch(() => false)),
    );
    expect(want).toEqual([true, true, false, false, false]);
    expect(got).toEqual(want);
    expect(
      await verifier.verifyBatch(
        'threshold',
        cases.map(([publicSignals, proof]) => ({ proof, publicSignals })),
      ),
    ).toEqual(want);
    await verifier.close();
  });

  it('throws INPUT_INVALID only for input that cannot be a proof', async () => {
    const verifier = new ProofBatchVerifier({ accel });
    const bad = { pi_a: ['x'], pi_b: [], pi_c: [], protocol: 'groth16', curve: 'bn128' };
    await expect(verifier.verify('threshold', bad, ['1', '2', '3'])).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
    await expect(verifier.verify('threshold', proofs[0]!.proof, ['1'])).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
    // In a batch, such an item is simply false.
    expect(
      await verifier.verifyBatch('threshold', [{ proof: bad, publicSignals: ['1'] }, proofs[0]!]),
    ).toEqual([false, true]);
    await verifier.close();
  });
});
