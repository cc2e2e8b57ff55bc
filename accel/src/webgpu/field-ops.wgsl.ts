// Test kernel of the field arithmetic: for each pair (a, b) given in standard form, converts both to
// Montgomery form and writes a·b, a + b and a − b back in standard form. Checked against bigint
// arithmetic in test/webgpu/field.test.ts for every field the kernels use.
import { fieldWgsl, U32_ARITH_WGSL } from './field.wgsl.ts';
import type { GpuField } from './fields.ts';
import { LINEAR_ID } from './runtime.ts';

/** Workgroup size of the field test kernel. */
export const FIELD_OPS_WORKGROUP = 64;

/** WGSL of the field test kernel for one field. */
export function fieldOpsWgsl(field: GpuField, unroll = false): string {
  const f = field.name;
  return /* wgsl */ `
${U32_ARITH_WGSL}
${fieldWgsl(f, field.p, unroll)}

struct Params { count: u32 }
@group(0) @binding(0) var<storage, read> xs: array<u32>;
@group(0) @binding(1) var<storage, read> ys: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(${FIELD_OPS_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${LINEAR_ID(FIELD_OPS_WORKGROUP)};
  if (i >= params.count) { return; }
  var a = array<u32, 8>(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
  var b = a;
  for (var k = 0u; k < 8u; k++) { a[k] = xs[i * 8u + k]; b[k] = ys[i * 8u + k]; }
  let am = ${f}_to_mont(a);
  let bm = ${f}_to_mont(b);
  let prod = ${f}_from_mont(${f}_mul(am, bm));
  let sum = ${f}_from_mont(${f}_add(am, bm));
  let diff = ${f}_from_mont(${f}_sub(am, bm));
  for (var k = 0u; k < 8u; k++) {
    out[i * 24u + k] = prod[k];
    out[i * 24u + 8u + k] = sum[k];
    out[i * 24u + 16u + k] = diff[k];
  }
}
`;
}
