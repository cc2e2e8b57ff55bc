// The same permutation rearranged so a partial round costs 2t - 1 multiplications instead of t²
// (Poseidon paper, Appendix B "Efficient implementation"; derived here from the textbook constants):
//
// 1. Partial rounds only raise cell 0 to the 5th power, so the constants they add to cells 1..t-1 commute
//    with the S-box and are pushed through the linear layer into the next round, leaving one scalar
//    constant per partial round (the remainder lands in the first final full round).
// 2. Each MDS matrix A of a partial round factors as A = S·D, with D = diag(1, A₁₁) (which commutes with
//    a partial round's S-box) and S sparse: first row, first column and identity. Walking from the last
//    partial round back, D is folded into the previous round's matrix, so every partial round is sparse
//    and the last full round before them uses a pre-multiplied dense matrix.
import { BN254_R, FULL_ROUNDS, invMod, poseidonParams } from './constants.ts';

/** One sparse matrix [[a, b…], [d…, I]]: `row` = [a, b_1..b_{t-1}], `col` = [d_1..d_{t-1}]. */
export interface SparseMatrix {
  row: bigint[];
  col: bigint[];
}

/** Constants of the rearranged permutation for one width. */
export interface OptimizedParams {
  t: number;
  partialRounds: number;
  /** Constants of the first FULL_ROUNDS / 2 rounds, t per round. */
  firstConstants: bigint[];
  /** The MDS matrix (full rounds other than the last one before the partial rounds). */
  mds: bigint[][];
  /** The matrix of the last full round before the partial rounds. */
  preSparse: bigint[][];
  /** One constant (for cell 0) per partial round. */
  partialConstants: bigint[];
  /** One sparse matrix per partial round. */
  sparse: SparseMatrix[];
  /** Constants of the final FULL_ROUNDS / 2 rounds, t per round. */
  lastConstants: bigint[];
}

const p = BN254_R;
const mod = (x: bigint) => ((x % p) + p) % p;

function matMul(a: bigint[][], b: bigint[][]): bigint[][] {
  return a.map((row) => b[0]!.map((_, j) => mod(row.reduce((acc, x, k) => acc + x * b[k]![j]!, 0n))));
}

function matVec(a: bigint[][], v: bigint[]): bigint[] {
  return a.map((row) => mod(row.reduce((acc, x, k) => acc + x * v[k]!, 0n)));
}

/** Inverse of a square matrix mod r by Gauss-Jordan elimination. */
function matInv(m: bigint[][]): bigint[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row.map(mod), ...Array.from({ length: n }, (_, j) => (i === j ? 1n : 0n))]);
  for (let col = 0; col < n; col++) {
    const pivot = a.findIndex((row, i) => i >= col && row[col] !== 0n);
    if (pivot < 0) throw new Error('Poseidon: singular MDS submatrix');
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const inv = invMod(a[col]![col]!);
    a[col] = a[col]!.map((x) => mod(x * inv));
    for (let i = 0; i < n; i++) {
      if (i === col || a[i]![col] === 0n) continue;
      const f = a[i]![col]!;
      a[i] = a[i]!.map((x, j) => mod(x - f * a[col]![j]!));
    }
  }
  return a.map((row) => row.slice(n));
}

const cache = new Map<number, OptimizedParams>();

/** The rearranged constants for `arity` inputs. */
export function optimizedParams(arity: number): OptimizedParams {
  const cached = cache.get(arity);
  if (cached) return cached;
  const { t, partialRounds: rp, roundConstants: c, mds } = poseidonParams(arity);
  const half = FULL_ROUNDS / 2;
  const round = (r: number) => c.slice(r * t, (r + 1) * t);

  // 1. Push the partial rounds' constants for cells 1..t-1 forward.
  let carry = new Array<bigint>(t).fill(0n);
  const partialConstants: bigint[] = [];
  for (let k = 0; k < rp; k++) {
    const rc = round(half + k).map((x, i) => mod(x + carry[i]!));
    partialConstants.push(rc[0]!);
    carry = matVec(mds, [0n, ...rc.slice(1)]);
  }
  const lastConstants = round(half + rp).map((x, i) => mod(x + carry[i]!));
  for (let r = half + rp + 1; r < FULL_ROUNDS + rp; r++) lastConstants.push(...round(r));

  // 2. Factor each partial round's matrix, from the last one back.
  const sparse: SparseMatrix[] = new Array(rp);
  let a = mds;
  for (let k = rp - 1; k >= 0; k--) {
    const a11 = a.slice(1).map((row) => row.slice(1));
    const inv = matInv(a11);
    const top = a[0]!.slice(1);
    const b = inv[0]!.map((_, j) => mod(top.reduce((acc, x, i) => acc + x * inv[i]![j]!, 0n)));
    sparse[k] = { row: [a[0]![0]!, ...b], col: a.slice(1).map((row) => row[0]!) };
    const d = Array.from({ length: t }, (_, i) =>
      Array.from({ length: t }, (_, j) => (i === 0 || j === 0 ? (i === j ? 1n : 0n) : a11[i - 1]![j - 1]!)),
    );
    a = matMul(d, mds);
  }
  const out: OptimizedParams = {
    t,
    partialRounds: rp,
    firstConstants: c.slice(0, half * t),
    mds,
    preSparse: a,
    partialConstants,
    sparse,
    lastConstants,
  };
  cache.set(arity, out);
  return out;
}

/** The rearranged permutation with bigints (checks the derivation; the fast path is WebAssembly). */
export function poseidonOptimized(inputs: readonly bigint[]): bigint {
  const o = optimizedParams(inputs.length);
  const { t } = o;
  const half = FULL_ROUNDS / 2;
  const pow5 = (x: bigint) => {
    const x2 = (x * x) % p;
    return (((x2 * x2) % p) * x) % p;
  };
  let s = [0n, ...inputs.map(mod)];
  for (let r = 0; r < half; r++) {
    s = s.map((x, i) => pow5(mod(x + o.firstConstants[r * t + i]!)));
    s = matVec(r === half - 1 ? o.preSparse : o.mds, s);
  }
  for (let k = 0; k < o.partialRounds; k++) {
    const s0 = pow5(mod(s[0]! + o.partialConstants[k]!));
    const { row, col } = o.sparse[k]!;
    const next0 = mod(row[0]! * s0 + s.slice(1).reduce((acc, x, j) => acc + row[j + 1]! * x, 0n));
    s = [next0, ...s.slice(1).map((x, j) => mod(x + col[j]! * s0))];
  }
  for (let r = 0; r < half; r++) {
    s = s.map((x, i) => pow5(mod(x + o.lastConstants[r * t + i]!)));
    s = matVec(o.mds, s);
  }
  return s[0]!;
}
