// WGSL for BN254 G1 (y² = x³ + 3 over the base field) in homogeneous projective coordinates
// (x = X/Z, y = Y/Z, identity (0 : 1 : 0)), with the complete addition formula for a = 0 of Renes,
// Costello and Batina, "Complete addition formulas for prime order elliptic curves" (EUROCRYPT 2016,
// Algorithm 7). Complete means no special cases: P + P, P + (−P) and P + O all come out right, which a
// GPU wants (no divergent branches) and a bucket sum needs (a bucket may receive the same point twice).
//
// The formula is written once, below, as a register program (G1_ADD_PROGRAM) and emitted per
// KernelStyle (see kernel-style.ts): as a loop over a constant op table with one multiplication and
// one addition call site (`compact`), or written out with registers as locals (`straight`, `unrolled`).
import { fieldWgsl, U32_ARITH_WGSL } from './field.wgsl.ts';
import { BN254_FQ } from './fields.ts';
import type { KernelStyle } from './kernel-style.ts';

/** Words of a projective point in a storage buffer: X, Y, Z. */
export const G1_WORDS = 24;

type Op = readonly ['+' | '-' | '*', number, number, number]; // op, dst, a, b

/**
 * RCB 2016 Algorithm 7 (a = 0, b3 = 3b = 9) over registers r0..r9. Inputs: r0..r2 = X1, Y1, Z1,
 * r3..r5 = X2, Y2, Z2. Output: X3 = r9, Y3 = r8, Z3 = r5. The paper's step numbers are on the right.
 */
const G1_ADD_PROGRAM: readonly Op[] = [
  ['+', 6, 0, 1], // t3 ← X1 + Y1                          4
  ['+', 7, 3, 4], // t4 ← X2 + Y2                          5
  ['*', 6, 6, 7], // t3 ← t3 · t4                          6
  ['+', 7, 1, 2], // t4 ← Y1 + Z1                          9
  ['+', 8, 4, 5], // X3 ← Y2 + Z2                         10
  ['*', 7, 7, 8], // t4 ← t4 · X3                         11
  ['+', 8, 0, 2], // X3 ← X1 + Z1                         14
  ['+', 9, 3, 5], // Y3 ← X2 + Z2                         15
  ['*', 8, 8, 9], // X3 ← X3 · Y3                         16
  ['*', 0, 0, 3], // t0 ← X1 · X2                          1
  ['*', 1, 1, 4], // t1 ← Y1 · Y2                          2
  ['*', 2, 2, 5], // t2 ← Z1 · Z2                          3
  ['+', 3, 0, 1], // t0 + t1                               7
  ['-', 6, 6, 3], // t3 ← t3 − (t0 + t1)                   8
  ['+', 3, 1, 2], // t1 + t2                              12
  ['-', 7, 7, 3], // t4 ← t4 − (t1 + t2)                  13
  ['+', 3, 0, 2], // t0 + t2                              17
  ['-', 8, 8, 3], // Y3 ← X3 − (t0 + t2)                  18
  ['+', 3, 0, 0], // X3 ← t0 + t0                         19
  ['+', 0, 3, 0], // t0 ← X3 + t0                         20
  ['+', 3, 2, 2], // 2 t2
  ['+', 3, 3, 3], // 4 t2
  ['+', 3, 3, 3], // 8 t2
  ['+', 2, 3, 2], // t2 ← b3 · t2 = 9 t2                  21
  ['+', 5, 1, 2], // Z3 ← t1 + t2                         22
  ['-', 1, 1, 2], // t1 ← t1 − t2                         23
  ['+', 3, 8, 8], // 2 Y3
  ['+', 3, 3, 3], // 4 Y3
  ['+', 3, 3, 3], // 8 Y3
  ['+', 8, 3, 8], // Y3 ← b3 · Y3 = 9 Y3                  24
  ['*', 9, 7, 8], // X3 ← t4 · Y3                         25
  ['*', 3, 6, 1], // t2 ← t3 · t1                         26
  ['-', 9, 3, 9], // X3 ← t2 − X3                         27
  ['*', 8, 8, 0], // Y3 ← Y3 · t0                         28
  ['*', 1, 1, 5], // t1 ← t1 · Z3                         29
  ['+', 8, 1, 8], // Y3 ← t1 + Y3                         30
  ['*', 0, 0, 6], // t0 ← t0 · t3                         31
  ['*', 5, 5, 7], // Z3 ← Z3 · t4                         32
  ['+', 5, 5, 0], // Z3 ← Z3 + t0                         33
];

const OPCODE = { '+': 0, '-': 1, '*': 2 } as const;

function compactAdd(): string {
  const table = G1_ADD_PROGRAM.map(([op, d, a, b]) => `${OPCODE[op] | (a << 4) | (b << 8) | (d << 12)}u`);
  return /* wgsl */ `
// op | a << 4 | b << 8 | dst << 12; op 0 = add, 1 = sub, 2 = mul.
const G1_ADD_OPS = array<u32, ${table.length}>(${table.join(', ')});

fn g1_add(p: G1, q: G1) -> G1 {
  var ops = G1_ADD_OPS;
  var r = array<array<u32, 8>, 10>(p.x, p.y, p.z, q.x, q.y, q.z, FQ_ZERO, FQ_ZERO, FQ_ZERO, FQ_ZERO);
  for (var k = 0u; k < ${table.length}u; k++) {
    let op = ops[k];
    let a = r[(op >> 4u) & 15u];
    let b = r[(op >> 8u) & 15u];
    var v = FQ_ZERO;
    if ((op & 3u) == 2u) { v = fq_mul(a, b); } else { v = fq_addsub(a, b, (op & 3u) == 1u); }
    r[op >> 12u] = v;
  }
  return G1(r[9], r[8], r[5]);
}
`;
}

function unrolledAdd(): string {
  const fn = { '+': 'fq_add', '-': 'fq_sub', '*': 'fq_mul' } as const;
  const body = G1_ADD_PROGRAM.map(([op, d, a, b]) => `  r${d} = ${fn[op]}(r${a}, r${b});`).join('\n');
  return /* wgsl */ `
fn g1_add(p: G1, q: G1) -> G1 {
  var r0 = p.x; var r1 = p.y; var r2 = p.z; var r3 = q.x; var r4 = q.y; var r5 = q.z;
  var r6 = FQ_ZERO; var r7 = FQ_ZERO; var r8 = FQ_ZERO; var r9 = FQ_ZERO;
${body}
  return G1(r9, r8, r5);
}
`;
}

/** WGSL of the base field and G1 point arithmetic (`g1_add`, `g1_identity`). */
export function g1Wgsl(style: KernelStyle = 'compact'): string {
  return /* wgsl */ `
${U32_ARITH_WGSL}
${fieldWgsl(BN254_FQ.name, BN254_FQ.p, style === 'unrolled')}

struct G1 { x: array<u32, 8>, y: array<u32, 8>, z: array<u32, 8> }

fn g1_identity() -> G1 { return G1(FQ_ZERO, FQ_ONE, FQ_ZERO); }
${style === 'compact' ? compactAdd() : unrolledAdd()}
`;
}
