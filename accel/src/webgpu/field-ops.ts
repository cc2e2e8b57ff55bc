// Host side of the field test kernel (field-ops.wgsl.ts): a self-check of the GPU's 256-bit Montgomery
// arithmetic that tests and `selfTest` run against bigint arithmetic.
import { FIELD_OPS_WORKGROUP, fieldOpsWgsl } from './field-ops.wgsl.ts';
import { type GpuField, packField, unpackField } from './fields.ts';
import type { GpuRuntime } from './runtime.ts';

/** Results of the field test kernel, one per input pair, in standard form. */
export interface FieldOpsResult {
  mul: bigint[];
  add: bigint[];
  sub: bigint[];
}

/**
 * Computes a·b, a + b and a − b mod p on the GPU for each pair (limb loops, or unrolled).
 * @throws {RangeError} if the lists differ in length or a value is not in [0, p).
 */
export async function fieldOpsGpu(
  rt: GpuRuntime,
  field: GpuField,
  a: readonly bigint[],
  b: readonly bigint[],
  unroll = false,
): Promise<FieldOpsResult> {
  if (a.length !== b.length) throw new RangeError('fieldOpsGpu: a and b must have the same length');
  const n = a.length;
  if (n === 0) return { mul: [], add: [], sub: [] };
  const pa = packField(a, field.p, 'a');
  const pb = packField(b, field.p, 'b');
  const [out] = await rt.run(async () => {
    const pipeline = await rt.pipeline(
      `field-ops-${field.name}${unroll ? '-unrolled' : ''}`,
      fieldOpsWgsl(field, unroll),
    );
    const xs = rt.buffer('field-ops:a', pa.byteLength);
    const ys = rt.buffer('field-ops:b', pb.byteLength);
    const res = rt.buffer('field-ops:out', n * 96);
    rt.write(xs, pa);
    rt.write(ys, pb);
    const params = rt.uniform('field-ops', Uint32Array.of(n));
    return {
      passes: [
        { pipeline, buffers: [xs, ys, res, params], invocations: n, workgroupSize: FIELD_OPS_WORKGROUP },
      ],
      read: [{ buffer: res, bytes: n * 96 }],
    };
  });
  const words = new Uint32Array(out!.buffer, out!.byteOffset, out!.byteLength / 4);
  return {
    mul: unpackField(words, n, 24, 0),
    add: unpackField(words, n, 24, 8),
    sub: unpackField(words, n, 24, 16),
  };
}
