// WGSL for 256-bit prime fields in Montgomery form (R = 2^256), eight 32-bit limbs, least significant
// first. WGSL has only 32-bit integers and no mul-hi, so a 32×32→64 product is built from four 16-bit
// partial products (mul_wide). Multiplication is CIOS (Koç, Acar, Kaliski, "Analyzing and comparing
// Montgomery multiplication algorithms", 1996), generated fully unrolled with named locals so that a
// GPU compiler keeps everything in registers; the modulus and constants are baked into the source.
//
// One generator serves every field: the BN254 base field (G1 coordinates), the BN254 scalar field
// (Poseidon) and the SM2 field. Values are kept fully reduced (< p) between operations.

/** Limbs per field element. */
export const LIMBS = 8;

/** WGSL helpers every field shares: 64-bit products and carries on u32. */
export const U32_ARITH_WGSL = /* wgsl */ `
// a * b as (lo, hi), from 16-bit halves: every partial product and sum stays below 2^32.
fn mul_wide(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu; let a1 = a >> 16u;
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = p01 + (p00 >> 16u) + (p10 & 0xffffu);
  return vec2<u32>((mid << 16u) | (p00 & 0xffffu), p11 + (mid >> 16u) + (p10 >> 16u));
}
// t + a * b + c as (lo, hi); the sum is at most 2^64 - 1, so hi never overflows.
fn mac(t: u32, a: u32, b: u32, c: u32) -> vec2<u32> {
  let p = mul_wide(a, b);
  let s1 = p.x + t;
  let s2 = s1 + c;
  return vec2<u32>(s2, p.y + select(0u, 1u, s1 < t) + select(0u, 1u, s2 < c));
}
// a + b + carry as (sum, carry out).
fn adc(a: u32, b: u32, c: u32) -> vec2<u32> {
  let s1 = a + b;
  let s2 = s1 + c;
  return vec2<u32>(s2, select(0u, 1u, s1 < a) + select(0u, 1u, s2 < s1));
}
// a - b - borrow as (difference, borrow out).
fn sbb(a: u32, b: u32, br: u32) -> vec2<u32> {
  let d1 = a - b;
  let d2 = d1 - br;
  return vec2<u32>(d2, select(0u, 1u, a < b) | select(0u, 1u, d1 < br));
}
`;

/** Little-endian 32-bit limbs of a value below 2^256. */
export function toLimbs(v: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < LIMBS; i++) out.push(Number((v >> BigInt(32 * i)) & 0xffffffffn));
  return out;
}

/** The value of little-endian 32-bit limbs. */
export function fromLimbs(words: ArrayLike<number>, at = 0): bigint {
  let v = 0n;
  for (let i = LIMBS - 1; i >= 0; i--) v = (v << 32n) | BigInt(words[at + i]! >>> 0);
  return v;
}

/** Montgomery constants of a prime p < 2^256 for R = 2^256 and 32-bit limbs. */
export interface MontgomeryConstants {
  p: bigint;
  /** -p^-1 mod 2^32. */
  inv32: number;
  /** R mod p (the Montgomery form of 1). */
  one: bigint;
  /** R^2 mod p (multiplying by it converts to Montgomery form). */
  r2: bigint;
}

/** Computes the Montgomery constants of p. */
export function montgomeryConstants(p: bigint): MontgomeryConstants {
  if (p % 2n === 0n || p >= 1n << 256n)
    throw new RangeError('montgomeryConstants: p must be odd and < 2^256');
  // Newton iteration for p^-1 mod 2^32: each step doubles the correct low bits.
  const m = 1n << 32n;
  let x = 1n;
  for (let i = 0; i < 6; i++) x = (x * (2n - ((p * x) % m) + m)) % m;
  const R = 1n << 256n;
  return { p, inv32: Number((m - x) % m), one: R % p, r2: (R * R) % p };
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}u`;
const arr = (v: bigint) => `array<u32, 8>(${toLimbs(v).map(hex).join(', ')})`;

/**
 * WGSL for arithmetic modulo p; every function and constant is prefixed with `name` (e.g. `fq`):
 * `fq_add`, `fq_sub`, `fq_mul`, `fq_sqr`, `fq_to_mont`, `fq_from_mont`, `fq_is_zero`, `fq_eq`,
 * `fq_lt_p` (a canonical-input check), `fq_double`, `FQ_ONE` (Montgomery 1), `FQ_ZERO`, `FQ_P`.
 * Requires {@link U32_ARITH_WGSL} once in the same module.
 */
export function fieldWgsl(name: string, p: bigint, unroll = false): string {
  const c = montgomeryConstants(p);
  const P = toLimbs(p);
  const up = name.toUpperCase();
  const L = [...Array(LIMBS).keys()];
  const lines: string[] = [];
  const emit = (s: string) => lines.push(`  ${s}`);

  if (unroll) {
    // CIOS multiplication, unrolled: t0..t9 are the running product.
    emit('var r = vec2<u32>(0u, 0u);');
    for (const k of [...L, 8, 9]) emit(`var t${k}: u32 = 0u;`);
    emit('var c = 0u;');
    emit('var m = 0u;');
    for (const i of L) {
      // t += a * b[i]
      emit(`r = mac(t0, a[0], b[${i}], 0u); t0 = r.x; c = r.y;`);
      for (const j of L.slice(1)) emit(`r = mac(t${j}, a[${j}], b[${i}], c); t${j} = r.x; c = r.y;`);
      emit('r = adc(t8, c, 0u); t8 = r.x; t9 = r.y;');
      // t = (t + m p) / 2^32 with m chosen so the low word cancels.
      emit(`m = t0 * ${hex(c.inv32)};`);
      emit(`r = mac(t0, m, ${hex(P[0]!)}, 0u); c = r.y;`);
      for (const j of L.slice(1)) emit(`r = mac(t${j}, m, ${hex(P[j]!)}, c); t${j - 1} = r.x; c = r.y;`);
      emit('r = adc(t8, c, 0u); t7 = r.x; t8 = t9 + r.y;');
    }
    emit(`return ${name}_reduce_once(array<u32, 8>(${L.map((k) => `t${k}`).join(', ')}), t8);`);
  } else {
    // CIOS with the outer loop kept and each pass over the limbs written out: an eighth of the full
    // unroll's code (software adapters compile it quickly), the running product still in named locals.
    for (const k of [...L, 8, 9]) emit(`var t${k} = 0u;`);
    emit('var bv = b;');
    emit('for (var i = 0u; i < 8u; i++) {');
    emit('  let bi = bv[i];');
    emit('  var r = mac(t0, a[0], bi, 0u); t0 = r.x; var c = r.y;');
    for (const j of L.slice(1)) emit(`  r = mac(t${j}, a[${j}], bi, c); t${j} = r.x; c = r.y;`);
    emit('  r = adc(t8, c, 0u); t8 = r.x; t9 = r.y;');
    emit(`  let m = t0 * ${hex(c.inv32)};`);
    emit(`  r = mac(t0, m, ${hex(P[0]!)}, 0u); c = r.y;`);
    for (const j of L.slice(1)) emit(`  r = mac(t${j}, m, ${hex(P[j]!)}, c); t${j - 1} = r.x; c = r.y;`);
    emit('  r = adc(t8, c, 0u); t7 = r.x; t8 = t9 + r.y;');
    emit('}');
    emit(`return ${name}_reduce_once(array<u32, 8>(${L.map((k) => `t${k}`).join(', ')}), t8);`);
  }
  const mulBody = lines.join('\n');

  // Additions and subtractions are written out limb by limb (8 carries): small enough either way.
  const limbLoop = (body: (k: string) => string) => L.map((k) => `  { ${body(String(k))} }`).join('\n');
  const pLimb = (k: string) => hex(P[Number(k)]!);
  const pVar = '';
  return /* wgsl */ `
const ${up}_P = ${arr(p)};
const ${up}_ONE = ${arr(c.one)};
const ${up}_R2 = ${arr(c.r2)};
const ${up}_ZERO = array<u32, 8>(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);

// x + hi * 2^256 - p if that is non-negative, else x (for x + hi * 2^256 < 2p).
fn ${name}_reduce_once(x: array<u32, 8>, hi: u32) -> array<u32, 8> {
${pVar}  var xv = x;
  var d = ${up}_ZERO;
  var br = 0u;
${limbLoop((k) => `let s = sbb(xv[${k}], ${pLimb(k)}, br); d[${k}] = s.x; br = s.y;`)}
  if (hi != 0u || br == 0u) { return d; }
  return x;
}

fn ${name}_add(a: array<u32, 8>, b: array<u32, 8>) -> array<u32, 8> {
  var av = a;
  var bv = b;
  var s = ${up}_ZERO;
  var cy = 0u;
${limbLoop((k) => `let t = adc(av[${k}], bv[${k}], cy); s[${k}] = t.x; cy = t.y;`)}
  return ${name}_reduce_once(s, cy);
}

fn ${name}_double(a: array<u32, 8>) -> array<u32, 8> {
  return ${name}_add(a, a);
}

fn ${name}_sub(a: array<u32, 8>, b: array<u32, 8>) -> array<u32, 8> {
${pVar}  var av = a;
  var bv = b;
  var d = ${up}_ZERO;
  var br = 0u;
${limbLoop((k) => `let t = sbb(av[${k}], bv[${k}], br); d[${k}] = t.x; br = t.y;`)}
  // On a borrow, add p back (the carry out of that addition cancels the borrow).
  var mask = 0u;
  if (br != 0u) { mask = 0xffffffffu; }
  var s = ${up}_ZERO;
  var cy = 0u;
${limbLoop((k) => `let t = adc(d[${k}], ${pLimb(k)} & mask, cy); s[${k}] = t.x; cy = t.y;`)}
  return s;
}

// a + b, or a − b when sub is true (as a + (p − b); p − 0 = p is fine: reduce_once takes it off).
fn ${name}_addsub(a: array<u32, 8>, b: array<u32, 8>, sub: bool) -> array<u32, 8> {
  var bv = b;
  if (sub) { bv = ${name}_sub_from_p(b); }
  return ${name}_add(a, bv);
}

// p − b for b ≤ p.
fn ${name}_sub_from_p(b: array<u32, 8>) -> array<u32, 8> {
${pVar}  var bv = b;
  var d = ${up}_ZERO;
  var br = 0u;
${limbLoop((k) => `let t = sbb(${pLimb(k)}, bv[${k}], br); d[${k}] = t.x; br = t.y;`)}
  return d;
}

fn ${name}_neg(a: array<u32, 8>) -> array<u32, 8> {
  return ${name}_sub(${up}_ZERO, a);
}

fn ${name}_mul(a: array<u32, 8>, b: array<u32, 8>) -> array<u32, 8> {
${mulBody}
}

fn ${name}_sqr(a: array<u32, 8>) -> array<u32, 8> {
  return ${name}_mul(a, a);
}

fn ${name}_to_mont(a: array<u32, 8>) -> array<u32, 8> {
  return ${name}_mul(a, ${up}_R2);
}

fn ${name}_from_mont(a: array<u32, 8>) -> array<u32, 8> {
  return ${name}_mul(a, array<u32, 8>(1u, 0u, 0u, 0u, 0u, 0u, 0u, 0u));
}

fn ${name}_is_zero(a: array<u32, 8>) -> bool {
  return (a[0] | a[1] | a[2] | a[3] | a[4] | a[5] | a[6] | a[7]) == 0u;
}

fn ${name}_eq(a: array<u32, 8>, b: array<u32, 8>) -> bool {
  return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])
    | (a[4] ^ b[4]) | (a[5] ^ b[5]) | (a[6] ^ b[6]) | (a[7] ^ b[7])) == 0u;
}

// True if a < p, i.e. a is a canonical encoding.
fn ${name}_lt_p(a: array<u32, 8>) -> bool {
${pVar}  var av = a;
  var br = 0u;
${limbLoop((k) => `br = sbb(av[${k}], ${pLimb(k)}, br).y;`)}
  return br == 1u;
}
`;
}
