// BN254 G1 multi-scalar multiplication on the GPU: Pippenger's bucket method with signed c-bit digits
// (buckets 1 .. 2^(c-1) per window), the points of each bucket gathered by a counting sort so that one
// invocation sums one (window, bucket) with no atomics on curve points. Five kernels, one submission:
//
//   prepare     per point: canonical + on-curve check, to Montgomery form, count its digits per bucket
//   scan        per window (one workgroup): exclusive prefix sums of the counts → bucket start cursors
//   scatter     per point: append (point index, sign) to each of its buckets' lists
//   accumulate  per (window, bucket): sum the bucket's points
//   reduce      per (window, segment of L buckets): Σ weight·bucket by running sums, plus the
//               segment's offset times its plain sum (a short double-and-add)
//   windows     per window: sum of its segments, back to standard form
//
// The host combines the windows (Σ 2^(c·w) · W_w, c doublings per window). Points at infinity are
// given as (0, 0) and skipped; a point that is not canonical or not on the curve is reported through
// `status` (the smallest bad index) and skipped.
import { g1Wgsl } from './bn254-g1.wgsl.ts';
import type { KernelStyle } from './kernel-style.ts';
import { LINEAR_ID } from './runtime.ts';

/** Workgroup size of the per-item MSM kernels. */
export const MSM_WORKGROUP = 64;
/** Threads of the scan kernel's workgroup (one workgroup per window). */
export const MSM_SCAN_THREADS = 256;

const PARAMS = /* wgsl */ `
struct Params {
  n: u32,        // points
  c: u32,        // window bits
  windows: u32,  // W
  buckets: u32,  // B = 2^(c-1) per window
  segments: u32, // G per window in the reduction
  seg_len: u32,  // L = B / G
}
`;

// Signed c-bit digits of a 254-bit scalar, least significant window first; calls visit(w, magnitude,
// negative) for each non-zero digit.
const DIGITS = (visit: string) => /* wgsl */ `
  var carry = 0u;
  let mask = (1u << params.c) - 1u;
  let half = 1u << (params.c - 1u);
  for (var w = 0u; w < params.windows; w++) {
    let bit = w * params.c;
    let q = bit >> 5u;
    let s = bit & 31u;
    var v = 0u;
    if (q < 8u) {
      v = sc[q] >> s;
      if (s + params.c > 32u && q + 1u < 8u) { v = v | (sc[q + 1u] << (32u - s)); }
    }
    v = (v & mask) + carry;
    var mag = v;
    var neg = 0u;
    carry = 0u;
    if (v > half) { mag = (1u << params.c) - v; neg = 1u; carry = 1u; }
    if (mag != 0u) { ${visit} }
  }
`;

/** Kernel: validate and convert points, count digits per bucket. */
export function msmPrepareWgsl(style: KernelStyle = 'compact'): string {
  return /* wgsl */ `
${g1Wgsl(style)}
${PARAMS}
@group(0) @binding(0) var<storage, read> raw: array<u32>;
@group(0) @binding(1) var<storage, read_write> scalars: array<u32>;
@group(0) @binding(2) var<storage, read_write> pts: array<u32>;
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> status: array<atomic<u32>>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(${MSM_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${LINEAR_ID(MSM_WORKGROUP)};
  if (i >= params.n) { return; }
  var x = FQ_ZERO;
  var y = FQ_ZERO;
  for (var k = 0u; k < 8u; k++) { x[k] = raw[i * 16u + k]; y[k] = raw[i * 16u + 8u + k]; }
  var skip = fq_is_zero(x) && fq_is_zero(y);
  if (!skip) {
    var ok = fq_lt_p(x) && fq_lt_p(y);
    if (ok) {
      x = fq_to_mont(x);
      y = fq_to_mont(y);
      // y² = x³ + 3, everything in Montgomery form.
      let three = fq_add(fq_add(FQ_ONE, FQ_ONE), FQ_ONE);
      ok = fq_eq(fq_sqr(y), fq_add(fq_mul(fq_sqr(x), x), three));
    }
    if (!ok) {
      atomicMin(&status[0], i);
      skip = true;
    }
  }
  for (var k = 0u; k < 8u; k++) { pts[i * 16u + k] = x[k]; pts[i * 16u + 8u + k] = y[k]; }
  var sc = array<u32, 8>(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
  if (skip) {
    // A zero scalar has no digits: the scatter kernel then leaves this point out too.
    for (var k = 0u; k < 8u; k++) { scalars[i * 8u + k] = 0u; }
    return;
  }
  for (var k = 0u; k < 8u; k++) { sc[k] = scalars[i * 8u + k]; }
${DIGITS('atomicAdd(&counts[w * params.buckets + mag - 1u], 1u);')}
}
`;
}

/** Kernel: per-window exclusive prefix sums of the bucket counts (one workgroup per window). */
export function msmScanWgsl(): string {
  const T = MSM_SCAN_THREADS;
  return /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> counts: array<u32>;
@group(0) @binding(1) var<storage, read_write> cursor: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> sums: array<u32, ${T}>;

@compute @workgroup_size(${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let w = wid.x;
  let t = lid.x;
  let nb = params.buckets;
  let per = (nb + ${T - 1}u) / ${T}u;
  let lo = min(t * per, nb);
  let hi = min(lo + per, nb);
  var own = 0u;
  for (var b = lo; b < hi; b++) { own += counts[w * nb + b]; }
  sums[t] = own;
  workgroupBarrier();
  // Hillis–Steele inclusive scan of the per-thread totals.
  for (var d = 1u; d < ${T}u; d = d << 1u) {
    var add = 0u;
    if (t >= d) { add = sums[t - d]; }
    workgroupBarrier();
    sums[t] += add;
    workgroupBarrier();
  }
  var run = w * params.n + sums[t] - own;
  for (var b = lo; b < hi; b++) {
    cursor[w * nb + b] = run;
    run += counts[w * nb + b];
  }
}
`;
}

/** Kernel: write each point's (index, sign) into its buckets' lists. */
export function msmScatterWgsl(): string {
  return /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> scalars: array<u32>;
@group(0) @binding(1) var<storage, read_write> cursor: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> entries: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(${MSM_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${LINEAR_ID(MSM_WORKGROUP)};
  if (i >= params.n) { return; }
  var sc = array<u32, 8>(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
  for (var k = 0u; k < 8u; k++) { sc[k] = scalars[i * 8u + k]; }
${DIGITS('let at = atomicAdd(&cursor[w * params.buckets + mag - 1u], 1u); entries[at] = i | (neg << 31u);')}
}
`;
}

/** Kernel: sum each (window, bucket)'s points. */
export function msmAccumulateWgsl(style: KernelStyle = 'compact'): string {
  return /* wgsl */ `
${g1Wgsl(style)}
${PARAMS}
@group(0) @binding(0) var<storage, read> pts: array<u32>;
@group(0) @binding(1) var<storage, read> entries: array<u32>;
@group(0) @binding(2) var<storage, read> counts: array<u32>;
@group(0) @binding(3) var<storage, read> cursor: array<u32>;
@group(0) @binding(4) var<storage, read_write> buckets: array<u32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(${MSM_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = ${LINEAR_ID(MSM_WORKGROUP)};
  if (t >= params.windows * params.buckets) { return; }
  // After the scatter each cursor points at the end of its bucket's list.
  let end = cursor[t];
  let start = end - counts[t];
  var acc = g1_identity();
  for (var e = start; e < end; e++) {
    let v = entries[e];
    let i = v & 0x7fffffffu;
    var x = FQ_ZERO;
    var y = FQ_ZERO;
    for (var k = 0u; k < 8u; k++) { x[k] = pts[i * 16u + k]; y[k] = pts[i * 16u + 8u + k]; }
    if ((v >> 31u) != 0u) { y = fq_neg(y); }
    acc = g1_add(acc, G1(x, y, FQ_ONE));
  }
  for (var k = 0u; k < 8u; k++) {
    buckets[t * 24u + k] = acc.x[k];
    buckets[t * 24u + 8u + k] = acc.y[k];
    buckets[t * 24u + 16u + k] = acc.z[k];
  }
}
`;
}

const LOAD_STORE = (buf: string) => /* wgsl */ `
fn load_${buf}(t: u32) -> G1 {
  var p = g1_identity();
  for (var k = 0u; k < 8u; k++) {
    p.x[k] = ${buf}[t * 24u + k];
    p.y[k] = ${buf}[t * 24u + 8u + k];
    p.z[k] = ${buf}[t * 24u + 16u + k];
  }
  return p;
}
`;

/** Kernel: per (window, segment), Σ (b + 1) · bucket_b over the segment's buckets. */
export function msmReduceWgsl(style: KernelStyle = 'compact'): string {
  return /* wgsl */ `
${g1Wgsl(style)}
${PARAMS}
@group(0) @binding(0) var<storage, read> buckets: array<u32>;
@group(0) @binding(1) var<storage, read_write> partial: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
${LOAD_STORE('buckets')}

@compute @workgroup_size(${MSM_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = ${LINEAR_ID(MSM_WORKGROUP)};
  if (t >= params.windows * params.segments) { return; }
  let w = t / params.segments;
  let lo = (t % params.segments) * params.seg_len;
  // Running sums from the top bucket down: after bucket b, s = Σ_{b' ≥ b} B_b', and adding s at
  // every step weights bucket b by (b − lo + 1). Then tot += lo · s by double-and-add over lo's bits
  // (lo < 2^15). Every addition goes through the one g1_add call site of this loop.
  var s = g1_identity();
  var tot = g1_identity();
  var acc = g1_identity();
  let running = 2u * params.seg_len;
  for (var k = 0u; k < running + 33u; k++) {
    var a = acc;
    var b = acc;
    if (k < running) {
      if ((k & 1u) == 0u) {
        a = s;
        b = load_buckets(w * params.buckets + lo + params.seg_len - 1u - k / 2u);
      } else {
        a = tot;
        b = s;
      }
    } else if (k < running + 32u) {
      let j = k - running;
      if ((j & 1u) == 1u) {
        if (((lo >> (15u - j / 2u)) & 1u) == 0u) { continue; }
        b = s;
      }
    } else {
      a = tot;
    }
    let r = g1_add(a, b);
    if (k < running) {
      if ((k & 1u) == 0u) { s = r; } else { tot = r; }
    } else {
      acc = r;
    }
  }
  let r = acc;
  for (var k = 0u; k < 8u; k++) {
    partial[t * 24u + k] = r.x[k];
    partial[t * 24u + 8u + k] = r.y[k];
    partial[t * 24u + 16u + k] = r.z[k];
  }
}
`;
}

/** Kernel: per window, the sum of its segments, in standard (non-Montgomery) form. */
export function msmWindowsWgsl(style: KernelStyle = 'compact'): string {
  return /* wgsl */ `
${g1Wgsl(style)}
${PARAMS}
@group(0) @binding(0) var<storage, read> partial: array<u32>;
@group(0) @binding(1) var<storage, read_write> windows: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
${LOAD_STORE('partial')}

@compute @workgroup_size(${MSM_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let w = ${LINEAR_ID(MSM_WORKGROUP)};
  if (w >= params.windows) { return; }
  var acc = g1_identity();
  for (var g = 0u; g < params.segments; g++) { acc = g1_add(acc, load_partial(w * params.segments + g)); }
  var xyz = array<array<u32, 8>, 3>(acc.x, acc.y, acc.z);
  for (var j = 0u; j < 3u; j++) {
    let v = fq_from_mont(xyz[j]);
    for (var k = 0u; k < 8u; k++) { windows[w * 24u + j * 8u + k] = v[k]; }
  }
}
`;
}
