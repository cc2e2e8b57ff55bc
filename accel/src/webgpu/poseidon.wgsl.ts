// Poseidon (width 3, two inputs, x^5, 8 full + 57 partial rounds) over the BN254 scalar field on the
// GPU: one invocation per hash, circomlib's round structure (add round constants, S-box on every
// element in full rounds and on element 0 in partial rounds, multiply by the MDS matrix), initial
// state (0, in0, in1), output element 0. The constants live in a storage buffer in Montgomery form;
// every thread reads the same word at the same time, which GPUs serve as one broadcast load. The
// constants are the package's own (poseidon/constants.ts: the paper's Grain LFSR, checked against
// circomlibjs there).

import { FULL_ROUNDS, partialRounds } from '../poseidon/constants.ts';
import { fieldWgsl, U32_ARITH_WGSL } from './field.wgsl.ts';
import { BN254_FR } from './fields.ts';
import type { KernelStyle } from './kernel-style.ts';
import { LINEAR_ID } from './runtime.ts';

/** Workgroup size of the Poseidon kernel. */
export const POSEIDON_WORKGROUP = 64;

/** Bindings 1 (constants) and the hash function `poseidon2(a, b)` on standard-form elements. */
function prelude(style: KernelStyle): string {
  const rounds = FULL_ROUNDS + partialRounds(2);
  const half = FULL_ROUNDS / 2;
  return /* wgsl */ `
${U32_ARITH_WGSL}
${fieldWgsl(BN254_FR.name, BN254_FR.p, style === 'unrolled')}

// ${rounds} × 3 round constants, then the 3 × 3 MDS matrix, Montgomery form, 8 words each.
@group(0) @binding(1) var<storage, read> constants: array<u32>;

fn cst(k: u32) -> array<u32, 8> {
  var v = FR_ZERO;
  for (var j = 0u; j < 8u; j++) { v[j] = constants[k * 8u + j]; }
  return v;
}

// x^5 as x·(x²)², with one multiplication site (software adapters inline every call site).
fn pow5(x: array<u32, 8>) -> array<u32, 8> {
  var acc = x;
  for (var k = 0u; k < 3u; k++) {
    var y = acc;
    if (k == 2u) { y = x; }
    acc = fr_mul(acc, y);
  }
  return acc;
}

// Poseidon(a, b), inputs and output in standard form.
fn poseidon2(a: array<u32, 8>, b: array<u32, 8>) -> array<u32, 8> {
  var s = array<array<u32, 8>, 3>(FR_ZERO, fr_to_mont(a), fr_to_mont(b));
  let m = ${rounds * 3}u;
  for (var r = 0u; r < ${rounds}u; r++) {
    let full = r < ${half}u || r >= ${rounds - half}u;
    for (var k = 0u; k < 3u; k++) {
      var x = fr_add(s[k], cst(r * 3u + k));
      if (k == 0u || full) { x = pow5(x); }
      s[k] = x;
    }
    var n = s;
    for (var row = 0u; row < 3u; row++) {
      var acc = FR_ZERO;
      for (var col = 0u; col < 3u; col++) {
        acc = fr_add(acc, fr_mul(cst(m + row * 3u + col), s[col]));
      }
      n[row] = acc;
    }
    s = n;
  }
  return fr_from_mont(s[0]);
}
`;
}

/** WGSL of the batch kernel: pairs in (16 words each), hashes out (8 words each). */
export function poseidonWgsl(style: KernelStyle = 'compact'): string {
  return /* wgsl */ `
${prelude(style)}
struct Params { count: u32 }
@group(0) @binding(0) var<storage, read> inputs: array<u32>;
@group(0) @binding(2) var<storage, read_write> outputs: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(${POSEIDON_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${LINEAR_ID(POSEIDON_WORKGROUP)};
  if (i >= params.count) { return; }
  var a = FR_ZERO;
  var b = FR_ZERO;
  for (var j = 0u; j < 8u; j++) { a[j] = inputs[i * 16u + j]; b[j] = inputs[i * 16u + 8u + j]; }
  let h = poseidon2(a, b);
  for (var j = 0u; j < 8u; j++) { outputs[i * 8u + j] = h[j]; }
}
`;
}

/**
 * WGSL of one Merkle level: node i of the level above is Poseidon(child 2i, child 2i + 1), a missing
 * right child being the root of an empty subtree of this level (`zero`).
 */
export function poseidonLevelWgsl(style: KernelStyle = 'compact'): string {
  return /* wgsl */ `
${prelude(style)}
struct Params { count_out: u32, count_in: u32, pad0: u32, pad1: u32, zero: array<vec4<u32>, 2> }
@group(0) @binding(0) var<storage, read> below: array<u32>;
@group(0) @binding(2) var<storage, read_write> above: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(${POSEIDON_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${LINEAR_ID(POSEIDON_WORKGROUP)};
  if (i >= params.count_out) { return; }
  var a = FR_ZERO;
  var b = FR_ZERO;
  for (var j = 0u; j < 8u; j++) { a[j] = below[2u * i * 8u + j]; }
  if (2u * i + 1u < params.count_in) {
    for (var j = 0u; j < 8u; j++) { b[j] = below[(2u * i + 1u) * 8u + j]; }
  } else {
    for (var j = 0u; j < 8u; j++) { b[j] = params.zero[j / 4u][j % 4u]; }
  }
  let h = poseidon2(a, b);
  for (var j = 0u; j < 8u; j++) { above[i * 8u + j] = h[j]; }
}
`;
}
