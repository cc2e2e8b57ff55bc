// One compliance suite that every accelerator backend runs (libp2p's interface-compliance-tests
// pattern): same inputs, same answers as the reference functions, same typed errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccelError,
  type Accelerator,
  createAccelerator,
  createAcceleratorAsync,
  createCpuAccelerator,
  createWebGpuAccelerator,
  createWorkersAccelerator,
  generateSm2KeyPair,
  packFieldElements,
  poseidonReference,
  Sm2Signer,
  type Sm2VerifyRequest,
  sm3,
  sm3MerkleRoot,
  verifySm2,
} from '../src/index.ts';

const backends: [string, () => Accelerator | Promise<Accelerator>][] = [
  ['cpu', () => createCpuAccelerator()],
  ['workers:2', () => createWorkersAccelerator({ size: 2, minItemsPerThread: 4 })],
  ['auto (queued)', () => createAccelerator({ backend: 'auto', workers: 2 })],
];

// webgpu runs the same suite wherever an adapter exists, a software one included (SwiftShader from
// chromium is found by itself); minGpuBatch 1 sends even small batches to the GPU kernels.
const webgpuSkip = await createWebGpuAccelerator({ allowSoftwareAdapter: true }).then(
  async (probe) => {
    await probe.close();
    return '';
  },
  (err: unknown) => ` [skipped: ${err instanceof Error ? err.message : String(err)}]`,
);
backends.push([
  `webgpu (SM3 + Poseidon on the GPU, SM2 on cpu)${webgpuSkip}`,
  () => createWebGpuAccelerator({ allowSoftwareAdapter: true, minGpuBatch: 1 }),
]);
backends.push([
  `webgpu via createAcceleratorAsync (queued, SM2 on workers:2)${webgpuSkip}`,
  () =>
    createAcceleratorAsync({
      backend: 'webgpu',
      allowSoftwareAdapter: true,
      workers: 2,
      webgpu: { minGpuBatch: 1 },
    }),
]);

const enc = (s: string) => new TextEncoder().encode(s);

for (const [name, factory] of backends) {
  describe.skipIf(name.includes('[skipped:'))(`accelerator compliance: ${name}`, () => {
    let accel: Accelerator;
    beforeAll(async () => {
      accel = await factory();
    });
    afterAll(async () => {
      await accel.close();
    });

    it('sm3Batch equals sm3 per message, including empty and multi-block messages', async () => {
      const msgs = Array.from({ length: 300 }, (_, i) =>
        crypto.getRandomValues(new Uint8Array((i * 37) % 700)),
      );
      const out = await accel.sm3Batch(msgs);
      expect(out.length).toBe(msgs.length);
      out.forEach((d, i) => expect(d).toEqual(sm3(msgs[i]!)));
      expect(await accel.sm3Batch([])).toEqual([]);
    });

    it('sm3MerkleRoot equals the reference for sizes around powers of two', async () => {
      for (const count of [0, 1, 2, 3, 7, 64, 129, 1000, 1025]) {
        const leaves = Array.from({ length: count }, (_, i) => enc(`leaf ${i}`));
        expect(await accel.sm3MerkleRoot(leaves)).toEqual(sm3MerkleRoot(leaves));
      }
    });

    it('sm2SignBatch makes signatures that verify, in every format', async () => {
      const k = generateSm2KeyPair();
      const items = (['raw', 'hinted', 'der'] as const).flatMap((format) =>
        Array.from({ length: 10 }, (_, i) => ({ privateKey: k.privateKey, message: enc(`m${i}`), format })),
      );
      const sigs = await accel.sm2SignBatch(items);
      expect(sigs.map((s) => s.length).slice(0, 20)).toEqual([...Array(10).fill(64), ...Array(10).fill(96)]);
      sigs.forEach((s, i) => expect(verifySm2(items[i]!.message, s, k.publicKey)).toBe(true));
    });

    it('sm2VerifyBatch answers per item, and malformed items answer false', async () => {
      const signers = [generateSm2KeyPair(), generateSm2KeyPair()];
      const items: Sm2VerifyRequest[] = Array.from({ length: 40 }, (_, i) => {
        const k = signers[i % 2]!;
        const message = enc(`payment ${i}`);
        const signature = new Sm2Signer(k.privateKey).sign(message, i % 3 === 0 ? 'hinted' : 'raw');
        return { publicKey: k.publicKey, message, signature };
      });
      items[5] = { ...items[5]!, message: enc('tampered') };
      items[9] = { ...items[9]!, signature: items[9]!.signature.subarray(0, 10) };
      items[12] = { ...items[12]!, publicKey: new Uint8Array(65) };
      items[15] = { ...items[15]!, userId: new Uint8Array(9000) };
      items[18] = { ...items[18]!, publicKey: signers[1]!.publicKey };
      const out = await accel.sm2VerifyBatch(items);
      const bad = new Set([5, 9, 12, 15, 18]);
      out.forEach((ok, i) => expect(ok).toBe(!bad.has(i)));
      expect(await accel.sm2VerifyBatch([])).toEqual([]);
    });

    it('poseidonHashBatch (arity 2 and 3) and poseidonMerkleRoot equal the bigint reference', async () => {
      const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
      const rand = () =>
        BigInt(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(31))).toString('hex')}`);
      for (const arity of [2, 3]) {
        const groups = Array.from({ length: 12 }, () => Array.from({ length: arity }, rand));
        groups[0] = Array(arity).fill(r - 1n);
        const out = await accel.poseidonHashBatch(arity, packFieldElements(groups.flat()));
        expect(out).toEqual(packFieldElements(groups.map((g) => poseidonReference(g))));
      }
      // Depth 6 over 37 leaves: odd levels and empty subtrees on the right.
      const leaves = Array.from({ length: 37 }, rand);
      let level = leaves;
      let zero = 0n;
      for (let d = 0; d < 6; d++) {
        const next: bigint[] = [];
        for (let i = 0; i < level.length; i += 2)
          next.push(poseidonReference([level[i]!, level[i + 1] ?? zero]));
        level = next;
        zero = poseidonReference([zero, zero]);
      }
      expect(await accel.poseidonMerkleRoot(packFieldElements(leaves), 6)).toEqual(packFieldElements(level));
    });

    it('rejects a batch item that is not bytes with ACCEL_INVALID_BATCH', async () => {
      await expect(accel.sm3Batch(['abc' as unknown as Uint8Array])).rejects.toMatchObject({
        code: 'ACCEL_INVALID_BATCH',
      });
    });

    it('rejects a sign batch with an invalid private key with SM2_INVALID_PRIVATE_KEY', async () => {
      const err = await accel.sm2SignBatch([{ privateKey: new Uint8Array(32), message: enc('x') }]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AccelError);
      expect((err as AccelError).code).toBe('SM2_INVALID_PRIVATE_KEY');
    });
  });
}

describe('accelerator lifecycle', () => {
  it('refuses work after close() with ACCEL_CLOSED, and close() is idempotent', async () => {
    for (const accel of [
      createCpuAccelerator(),
      createWorkersAccelerator({ size: 1 }),
      createAccelerator({ backend: 'cpu' }),
    ]) {
      await accel.close();
      await accel.close();
      await expect(accel.sm3Batch([enc('x')])).rejects.toMatchObject({ code: 'ACCEL_CLOSED' });
    }
  });

  it('close() lets in-flight batches finish', async () => {
    const accel = createWorkersAccelerator({ size: 2 });
    const work = accel.sm3Batch(Array.from({ length: 5000 }, (_, i) => enc(`m${i}`)));
    await accel.close();
    expect((await work).length).toBe(5000);
  });

  it('an unknown backend is a typed error', () => {
    expect(() => createAccelerator({ backend: 'quantum' as 'cpu' })).toThrow(AccelError);
  });
});
