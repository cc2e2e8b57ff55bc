// Differential test: random batches — valid and invalid items mixed, raw, hinted and DER signatures,
// many signers, default, custom and empty IDs — through every backend; every backend must give, item by
// item, exactly what single verification (verifySm2, throwing = false) gives.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Accelerator,
  createCpuAccelerator,
  createWebGpuAccelerator,
  createWorkersAccelerator,
  generateSm2KeyPair,
  Sm2Signer,
  type Sm2VerifyRequest,
  verifySm2,
} from '../src/index.ts';

const signers = Array.from({ length: 6 }, () => {
  const k = generateSm2KeyPair();
  const userId = [undefined, new Uint8Array(0), new TextEncoder().encode('customs@gov')][
    Math.floor(Math.random() * 3)
  ];
  return { ...k, userId, signer: new Sm2Signer(k.privateKey, userId) };
});

const itemArb = fc
  .record({
    who: fc.nat({ max: signers.length - 1 }),
    message: fc.uint8Array({ maxLength: 64 }),
    format: fc.constantFrom('raw' as const, 'hinted' as const, 'der' as const),
    fault: fc.constantFrom(
      'none',
      'none',
      'none',
      'message',
      'sig-bit',
      'hint',
      'signer',
      'garbage',
      'zero-r',
    ),
    bit: fc.nat({ max: 511 }),
  })
  .map(({ who, message, format, fault, bit }): Sm2VerifyRequest => {
    const s = signers[who]!;
    let signature = s.signer.sign(message, format);
    let publicKey = s.publicKey;
    let msg = message;
    if (fault === 'message') msg = Uint8Array.from([...message, 1]);
    if (fault === 'sig-bit') {
      signature = signature.slice();
      signature[(bit >>> 3) % signature.length]! ^= 1 << (bit & 7);
    }
    if (fault === 'hint' && signature.length === 96) {
      signature = signature.slice();
      signature[95]! ^= 1; // the hint is wrong, but r ‖ s is still a valid signature
    }
    if (fault === 'signer') publicKey = signers[(who + 1) % signers.length]!.publicKey;
    if (fault === 'garbage') signature = crypto.getRandomValues(new Uint8Array(64));
    if (fault === 'zero-r') signature = new Uint8Array(64).fill(0, 0, 32).fill(7, 32);
    return { publicKey, message: msg, signature, ...(s.userId ? { userId: s.userId } : {}) };
  });

function reference(item: Sm2VerifyRequest): boolean {
  try {
    return verifySm2(
      item.message,
      item.signature,
      item.publicKey,
      item.userId ? { userId: item.userId } : {},
    );
  } catch {
    return false;
  }
}

// webgpu joins when an adapter exists (software included); its SM2 runs on its fallback backend,
// here a worker pool, so the batch goes through the webgpu backend's routing and back.
const webgpu: Accelerator | undefined = await createWebGpuAccelerator({
  allowSoftwareAdapter: true,
  fallback: createWorkersAccelerator({ size: 2, minItemsPerThread: 8 }),
}).catch(() => undefined);

describe('accelerator differential: every backend = single verification', () => {
  const cpu = createCpuAccelerator();
  const workers = createWorkersAccelerator({ size: 2, minItemsPerThread: 8 });
  afterAll(async () => {
    await Promise.all([cpu.close(), workers.close(), webgpu?.close()]);
  });

  it('random mixed batches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(itemArb, { minLength: 0, maxLength: 120 }), async (items) => {
        const expected = items.map(reference);
        expect(await cpu.sm2VerifyBatch(items)).toEqual(expected);
        expect(await workers.sm2VerifyBatch(items)).toEqual(expected);
        if (webgpu) expect(await webgpu.sm2VerifyBatch(items)).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });

  it('a large all-valid hinted batch from many signers passes, and one bad item in it is found', async () => {
    const items: Sm2VerifyRequest[] = Array.from({ length: 600 }, (_, i) => {
      const s = signers[i % signers.length]!;
      const message = new TextEncoder().encode(`tx ${i}`);
      return {
        publicKey: s.publicKey,
        message,
        signature: s.signer.sign(message, 'hinted'),
        ...(s.userId ? { userId: s.userId } : {}),
      };
    });
    expect((await workers.sm2VerifyBatch(items)).every(Boolean)).toBe(true);
    const bad = 437;
    items[bad] = { ...items[bad]!, message: new TextEncoder().encode('forged') };
    const out = await cpu.sm2VerifyBatch(items);
    expect(out.filter((x) => !x).length).toBe(1);
    expect(out[bad]).toBe(false);
    expect(await workers.sm2VerifyBatch(items)).toEqual(out);
    if (webgpu) expect(await webgpu.sm2VerifyBatch(items)).toEqual(out);
  });

  it.skipIf(!webgpu)('webgpu: SM3 batches of random messages equal the cpu backend', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1024, maxLength: 1100 }),
        async (msgs) => {
          expect(await webgpu!.sm3Batch(msgs)).toEqual(await cpu.sm3Batch(msgs));
        },
      ),
      { numRuns: 3 },
    );
  });
});
