// Choosing and running the webgpu backend: software adapters are recognised and never chosen by
// `auto`; explicit webgpu without an acceptable adapter is a typed error; the GPU kernels are reachable
// through createAcceleratorAsync and agree with the cpu backend; close() is final.
import { bn254 } from '@noble/curves/bn254.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AccelError,
  createAccelerator,
  createAcceleratorAsync,
  createCpuAccelerator,
  isSoftwareAdapter,
  type PrivGateAccelerator,
  probeGpuAdapter,
} from '../../src/index.ts';
import { randomBelow } from './gpu-fixture.ts';

const hardware = await probeGpuAdapter();
const anyAdapter = await probeGpuAdapter({ allowSoftwareAdapter: true });

describe('adapter classification', () => {
  it('recognises SwiftShader as Dawn reports it, lavapipe, llvmpipe and WARP, and not a GPU', () => {
    const swiftshader = {
      vendor: 'google',
      architecture: 'swiftshader',
      device: 'swiftshader-device-subzero-',
      description: 'SwiftShader driver 5.0.0',
      isFallbackAdapter: true,
    };
    expect(isSoftwareAdapter(swiftshader)).toBe(true);
    expect(isSoftwareAdapter({ ...swiftshader, isFallbackAdapter: false })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', description: 'lavapipe' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(
      true,
    );
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', description: 'RTX 3090 Ti' })).toBe(
      false,
    );
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBe(false);
  });
});

describe('backend selection', () => {
  it('the synchronous createAccelerator refuses webgpu with a typed error', () => {
    expect(() => createAccelerator({ backend: 'webgpu' })).toThrow(AccelError);
  });

  it('auto never picks a software adapter; without a GPU it falls back with one log line', async () => {
    const lines: string[] = [];
    const accel = await createAcceleratorAsync({ backend: 'auto', workers: 1, log: (l) => lines.push(l) });
    try {
      if (hardware) {
        expect(accel.backend).toBe('webgpu');
        expect(accel.gpu?.adapter.software).toBe(false);
        expect(lines).toEqual([]);
      } else {
        expect(accel.backend).toBe('workers');
        expect(accel.gpu).toBeUndefined();
        expect(lines.length).toBe(1);
        expect(lines[0]).toMatch(/^accel: no hardware WebGPU adapter \(.+\); using workers$/);
      }
    } finally {
      await accel.close();
    }
  });

  it.skipIf(hardware)(
    'explicit webgpu without allowSoftwareAdapter is ACCEL_BACKEND_UNAVAILABLE here',
    async () => {
      await expect(createAcceleratorAsync({ backend: 'webgpu', workers: 1 })).rejects.toMatchObject({
        code: 'ACCEL_BACKEND_UNAVAILABLE',
      });
    },
  );
});

describe.skipIf(!anyAdapter)(
  `webgpu through createAcceleratorAsync${anyAdapter ? '' : ' [skipped: no WebGPU adapter]'}`,
  () => {
    let accel: PrivGateAccelerator;
    const cpu = createCpuAccelerator();
    afterAll(async () => {
      await Promise.all([accel?.close(), cpu.close()]);
    });

    it('exposes the GPU kernels, which agree with noble and the cpu backend', async () => {
      accel = await createAcceleratorAsync({
        backend: 'webgpu',
        allowSoftwareAdapter: true,
        workers: 1,
        webgpu: { minGpuBatch: 1 },
      });
      expect(accel.backend).toBe('webgpu');
      const gpu = accel.gpu!;
      expect(gpu.adapter.software).toBe(!hardware);
      const P = bn254.G1.Point;
      const k = [randomBelow(P.Fn.ORDER), randomBelow(P.Fn.ORDER)];
      const Q = P.BASE.multiply(7n);
      expect(await gpu.msmG1([P.BASE.toAffine(), Q.toAffine()], k)).toEqual(
        P.BASE.multiply(k[0]!).add(Q.multiply(k[1]!)).toAffine(),
      );
      // Packed Poseidon: arity 2 runs on the GPU, arity 3 on the fallback; an element ≥ r is reduced.
      const pairs = crypto.getRandomValues(new Uint8Array(64 * 20));
      pairs.fill(0xff, 0, 32);
      expect(await accel.poseidonHashBatch(2, pairs)).toEqual(await cpu.poseidonHashBatch(2, pairs));
      const triples = crypto.getRandomValues(new Uint8Array(96 * 3)).map((b, i) => (i % 32 === 31 ? 0 : b));
      expect(await accel.poseidonHashBatch(3, triples)).toEqual(await cpu.poseidonHashBatch(3, triples));
      await expect(accel.poseidonHashBatch(2, new Uint8Array(65))).rejects.toThrow(RangeError);
    });

    it('after close(), every method refuses with ACCEL_CLOSED; close() is idempotent', async () => {
      await accel.close();
      await accel.close();
      await expect(accel.sm3Batch([new Uint8Array(1)])).rejects.toMatchObject({ code: 'ACCEL_CLOSED' });
      await expect(accel.gpu!.msmG1([], [])).rejects.toMatchObject({ code: 'ACCEL_CLOSED' });
      await expect(accel.gpu!.poseidon2Batch([[1n, 2n]])).rejects.toMatchObject({ code: 'ACCEL_CLOSED' });
    });
  },
);
