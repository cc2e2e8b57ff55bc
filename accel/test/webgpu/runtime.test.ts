// The kernel runtime's failure paths: WGSL that does not compile and a job that fails validation are
// typed errors of that call alone, and the device keeps working; big dispatches fold into 2-D grids.
import { afterAll, describe, expect, it } from 'vitest';
import { AccelError } from '../../src/errors.ts';
import { BN254_FR, dispatchGrid, fieldOpsGpu } from '../../src/webgpu/index.ts';
import { openTestGpu } from './gpu-fixture.ts';

const gpu = await openTestGpu();

describe('dispatchGrid', () => {
  it('stays within 65,535 workgroups per dimension and covers every invocation', () => {
    for (const n of [1, 64, 65_535 * 64, 65_536 * 64, 1 << 26, 3 * 65_535 * 64 + 1]) {
      const [x, y] = dispatchGrid(n, 64);
      expect(x).toBeLessThanOrEqual(65_535);
      expect(y).toBeLessThanOrEqual(65_535);
      expect(x * y * 64).toBeGreaterThanOrEqual(n);
    }
    expect(dispatchGrid(0, 64)).toEqual([1, 1]);
  });
});

describe.skipIf(!gpu.rt)(`webgpu runtime${gpu.skip}`, () => {
  afterAll(() => gpu.release());

  it('WGSL that does not compile is ACCEL_BACKEND_UNAVAILABLE naming the shader', async () => {
    const err = await gpu.rt!.pipeline('broken', 'fn main( {').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccelError);
    expect((err as AccelError).code).toBe('ACCEL_BACKEND_UNAVAILABLE');
    expect((err as AccelError).message).toMatch(/broken/);
  });

  it('a job that fails validation rejects alone; the next job runs', async () => {
    const rt = gpu.rt!;
    const code = `
      @group(0) @binding(0) var<storage, read_write> out: array<u32>;
      @compute @workgroup_size(1) fn main() { out[0] = 7u; }`;
    const job = rt.run(async () => {
      const pipeline = await rt.pipeline('one-binding', code);
      const a = rt.buffer('runtime-test:a', 16);
      // Two buffers for a layout with one binding: the bind group is invalid.
      return { passes: [{ pipeline, buffers: [a, a], invocations: 1, workgroupSize: 1 }], read: [] };
    });
    await expect(job).rejects.toMatchObject({ code: 'ACCEL_BACKEND_UNAVAILABLE' });
    const ok = await fieldOpsGpu(rt, BN254_FR, [3n], [4n]);
    expect(ok.mul).toEqual([12n]);
  });
});
