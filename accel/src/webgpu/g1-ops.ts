// Test kernel of the G1 point arithmetic: P + Q for pairs of projective points, in any kernel style,
// so that each emission of the complete addition formula (bn254-g1.wgsl.ts) is checked against
// @noble/curves in test/webgpu/g1.test.ts, including doubling, inverses and the identity.
import { G1_WORDS, g1Wgsl } from './bn254-g1.wgsl.ts';
import { BN254_FQ, packField, unpackField } from './fields.ts';
import type { KernelStyle } from './kernel-style.ts';
import { type GpuRuntime, LINEAR_ID } from './runtime.ts';

/** A projective point (x = X/Z, y = Y/Z) in standard (non-Montgomery) form. */
export interface G1Projective {
  X: bigint;
  Y: bigint;
  Z: bigint;
}

const WG = 64;

function g1AddKernel(style: KernelStyle): string {
  return /* wgsl */ `
${g1Wgsl(style)}
struct Params { count: u32 }
@group(0) @binding(0) var<storage, read> xs: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

fn load(t: u32) -> G1 {
  var v = array<array<u32, 8>, 3>(FQ_ZERO, FQ_ZERO, FQ_ZERO);
  for (var j = 0u; j < 3u; j++) {
    var c = FQ_ZERO;
    for (var k = 0u; k < 8u; k++) { c[k] = xs[t * 24u + j * 8u + k]; }
    v[j] = fq_to_mont(c);
  }
  return G1(v[0], v[1], v[2]);
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${LINEAR_ID(WG)};
  if (i >= params.count) { return; }
  let r = g1_add(load(2u * i), load(2u * i + 1u));
  var v = array<array<u32, 8>, 3>(r.x, r.y, r.z);
  for (var j = 0u; j < 3u; j++) {
    let c = fq_from_mont(v[j]);
    for (var k = 0u; k < 8u; k++) { out[i * 24u + j * 8u + k] = c[k]; }
  }
}
`;
}

/**
 * P + Q on the GPU for each pair, in projective coordinates (not normalised).
 * @throws {RangeError} if a coordinate is not in [0, p).
 */
export async function g1AddGpu(
  rt: GpuRuntime,
  pairs: readonly (readonly [G1Projective, G1Projective])[],
  style: KernelStyle = 'compact',
): Promise<G1Projective[]> {
  const n = pairs.length;
  if (n === 0) return [];
  const coords = pairs.flatMap(([p, q]) => [p.X, p.Y, p.Z, q.X, q.Y, q.Z]);
  const packed = packField(coords, BN254_FQ.p, 'pairs coordinates');
  const [bytes] = await rt.run(async () => {
    const pipeline = await rt.pipeline(`g1-add-${style}`, g1AddKernel(style));
    const inBuf = rt.buffer('g1-add:in', packed.byteLength);
    const outBuf = rt.buffer('g1-add:out', n * G1_WORDS * 4);
    rt.write(inBuf, packed);
    const params = rt.uniform('g1-add', Uint32Array.of(n));
    return {
      passes: [{ pipeline, buffers: [inBuf, outBuf, params], invocations: n, workgroupSize: WG }],
      read: [{ buffer: outBuf, bytes: n * G1_WORDS * 4 }],
    };
  });
  const v = unpackField(new Uint32Array(bytes!.buffer, bytes!.byteOffset, n * G1_WORDS), n * 3);
  return Array.from({ length: n }, (_, i) => ({ X: v[3 * i]!, Y: v[3 * i + 1]!, Z: v[3 * i + 2]! }));
}
