// Host side of the BN254 G1 MSM (msm.wgsl.ts): packs points and scalars, picks the window size,
// records the six kernels into one submission and combines the per-window sums with @noble/curves.
import { bn254 } from '@noble/curves/bn254.js';
import { AccelError } from '../errors.ts';
import { G1_WORDS } from './bn254-g1.wgsl.ts';
import { BN254_FQ, BN254_FR, packField, unpackField } from './fields.ts';
import type { KernelStyle } from './kernel-style.ts';
import {
  MSM_SCAN_THREADS,
  MSM_WORKGROUP,
  msmAccumulateWgsl,
  msmPrepareWgsl,
  msmReduceWgsl,
  msmScanWgsl,
  msmScatterWgsl,
  msmWindowsWgsl,
} from './msm.wgsl.ts';
import type { GpuRuntime } from './runtime.ts';

/** An affine BN254 G1 point; (0, 0) is the point at infinity (as in @noble/curves' toAffine). */
export interface G1Affine {
  readonly x: bigint;
  readonly y: bigint;
}

/** Largest MSM handled in one call. */
export const MAX_MSM_POINTS = 1 << 20;

/** Bits of a BN254 scalar. */
const SCALAR_BITS = 254;

/** Window and reduction shape for n points. */
export interface MsmShape {
  c: number;
  windows: number;
  buckets: number;
  segments: number;
  segLen: number;
}

/**
 * Window size c ≈ log2(n) − 3 (so each bucket of a window gets about 16 points), at least 4 and at
 * most 16 (a 2^15-bucket window); segments of 16 buckets, at most 256 per window, for the reduction.
 */
export function msmShape(n: number, windowBits?: number): MsmShape {
  const c = windowBits ?? Math.min(16, Math.max(4, Math.round(Math.log2(Math.max(1, n))) - 3));
  if (!Number.isInteger(c) || c < 2 || c > 16) throw new RangeError('msm: windowBits must be in [2, 16]');
  const buckets = 1 << (c - 1);
  const segments = Math.min(256, Math.max(1, buckets >> 4));
  return { c, windows: Math.floor(SCALAR_BITS / c) + 1, buckets, segments, segLen: buckets / segments };
}

/**
 * Packs points for {@link msmG1Gpu}: 16 words each (x then y, little-endian 32-bit limbs).
 * @throws {RangeError} if a coordinate is not a bigint in [0, p).
 */
export function packG1Points(points: readonly G1Affine[]): Uint32Array {
  const coords = new Array<bigint>(points.length * 2);
  points.forEach((pt, i) => {
    if (typeof pt !== 'object' || pt === null) throw new RangeError(`points[${i}]: expected { x, y }`);
    coords[2 * i] = pt.x;
    coords[2 * i + 1] = pt.y;
  });
  return packField(coords, BN254_FQ.p, 'points coordinates');
}

/**
 * Packs scalars for {@link msmG1Gpu}: 8 words each.
 * @throws {RangeError} if a scalar is not a bigint in [0, r).
 */
export function packScalars(scalars: readonly bigint[]): Uint32Array {
  return packField(scalars, BN254_FR.p, 'scalars');
}

/** Options of the MSM. */
export interface MsmOptions {
  /** Shape of the generated code (kernel-style.ts); default `compact`. */
  style?: KernelStyle;
  /** Window size override (2..16), for tuning. */
  windowBits?: number;
}

/**
 * Σ scalars[i] · points[i] over BN254 G1 on the GPU, from packed inputs ({@link packG1Points},
 * {@link packScalars}).
 * @throws {RangeError} if the inputs differ in count or are too many, or a point is not on the curve.
 */
export async function msmG1Gpu(
  rt: GpuRuntime,
  points: Uint32Array,
  scalars: Uint32Array,
  options: MsmOptions = {},
): Promise<G1Affine> {
  const n = points.length / 16;
  if (!Number.isInteger(n) || scalars.length !== n * 8) {
    throw new RangeError('msmG1: points and scalars must have the same count');
  }
  if (n > MAX_MSM_POINTS) throw new RangeError(`msmG1: at most ${MAX_MSM_POINTS} points per call`);
  if (n === 0) return { x: 0n, y: 0n };
  const shape = msmShape(n, options.windowBits);
  const { windows: W, buckets: B, segments: G } = shape;
  const need = Math.max(W * n * 4, W * B * G1_WORDS * 4, n * 64);
  if (need > rt.maxBindingBytes) {
    throw new AccelError('ACCEL_INVALID_BATCH', `msmG1: ${n} points exceed the device's buffer limit`, {
      points: n,
    });
  }
  const u = options.style ?? 'compact';
  const tag = `-${u}`;
  const [winBytes, statusBytes] = await rt.run(async () => {
    const [prepare, scan, scatter, accumulate, reduce, sum] = await Promise.all([
      rt.pipeline(`msm-prepare${tag}`, msmPrepareWgsl(u)),
      rt.pipeline('msm-scan', msmScanWgsl()),
      rt.pipeline('msm-scatter', msmScatterWgsl()),
      rt.pipeline(`msm-accumulate${tag}`, msmAccumulateWgsl(u)),
      rt.pipeline(`msm-reduce${tag}`, msmReduceWgsl(u)),
      rt.pipeline(`msm-windows${tag}`, msmWindowsWgsl(u)),
    ]);
    const raw = rt.buffer('msm:raw', n * 64);
    const sc = rt.buffer('msm:scalars', n * 32);
    const pts = rt.buffer('msm:points', n * 64);
    const counts = rt.buffer('msm:counts', W * B * 4);
    const cursor = rt.buffer('msm:cursor', W * B * 4);
    const entries = rt.buffer('msm:entries', W * n * 4);
    const buckets = rt.buffer('msm:buckets', W * B * G1_WORDS * 4);
    const partial = rt.buffer('msm:partial', W * G * G1_WORDS * 4);
    const out = rt.buffer('msm:windows', W * G1_WORDS * 4);
    const status = rt.buffer('msm:status', 4);
    rt.write(raw, points);
    rt.write(sc, scalars);
    rt.write(status, Uint32Array.of(0xffffffff));
    const params = rt.uniform('msm', Uint32Array.of(n, shape.c, W, B, G, shape.segLen));
    const wg = MSM_WORKGROUP;
    return {
      clears: [counts],
      passes: [
        {
          pipeline: prepare,
          buffers: [raw, sc, pts, counts, status, params],
          invocations: n,
          workgroupSize: wg,
        },
        {
          pipeline: scan,
          buffers: [counts, cursor, params],
          invocations: W * MSM_SCAN_THREADS,
          workgroupSize: MSM_SCAN_THREADS,
        },
        { pipeline: scatter, buffers: [sc, cursor, entries, params], invocations: n, workgroupSize: wg },
        {
          pipeline: accumulate,
          buffers: [pts, entries, counts, cursor, buckets, params],
          invocations: W * B,
          workgroupSize: wg,
        },
        { pipeline: reduce, buffers: [buckets, partial, params], invocations: W * G, workgroupSize: wg },
        { pipeline: sum, buffers: [partial, out, params], invocations: W, workgroupSize: wg },
      ],
      read: [
        { buffer: out, bytes: W * G1_WORDS * 4 },
        { buffer: status, bytes: 4 },
      ],
    };
  });
  const bad = new Uint32Array(statusBytes!.buffer, statusBytes!.byteOffset, 1)[0]!;
  if (bad !== 0xffffffff) throw new RangeError(`points[${bad}]: not a point of BN254 G1`);
  const words = new Uint32Array(winBytes!.buffer, winBytes!.byteOffset, W * G1_WORDS);
  const coords = unpackField(words, W * 3);
  const Point = bn254.G1.Point;
  let acc = Point.ZERO;
  for (let w = W - 1; w >= 0; w--) {
    for (let k = 0; k < shape.c; k++) acc = acc.double();
    acc = acc.add(new Point(coords[3 * w]!, coords[3 * w + 1]!, coords[3 * w + 2]!));
  }
  const { x, y } = acc.toAffine();
  return { x, y };
}
