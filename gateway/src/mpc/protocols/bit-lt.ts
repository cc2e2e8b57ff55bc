/**
 * Bitwise less-than of a public integer and a shared bit vector, [c < r] with r = Σ 2^i·r_i: the
 * comparison Mod2m needs (BitLT in Catrina–de Hoogh, SCN 2010), built here on a prefix-OR as in
 * Damgård–Fitzi–Kiltz–Nielsen–Toft (TCC 2006), with a logarithmic-depth prefix network.
 *
 * With d_i = c_i ⊕ r_i (linear, since c_i is public: d_i = r_i or 1 − r_i), the most significant
 * differing bit decides: c < r exactly when r_i = 1 there, i.e. c_i = 0. Let e_i = OR_{j ≥ i} d_j
 * (e_ℓ = 0); f_i = e_i − e_{i+1} marks that bit, so [c < r] = Σ_i f_i·(1 − c_i), linear in the e_i.
 * The prefix-OR is 1 − Π_{j ≥ i}(1 − d_j), a prefix product computed with Sklansky's parallel-prefix
 * network: ⌈log2 ℓ⌉ rounds of batched multiplications, about (ℓ/2)·⌈log2 ℓ⌉ products.
 */
import { fadd, fsub } from '../field.ts';
import type { ComputeContext } from './context.ts';
import { multiply } from './mul.ts';

/**
 * Inclusive prefix products out[k] = v[0]·…·v[k] of shared values; ⌈log2 length⌉ rounds.
 * @throws {MpcError} from the multiplication rounds.
 */
export async function prefixProducts(ctx: ComputeContext, values: readonly bigint[]): Promise<bigint[]> {
  const out = [...values];
  for (let span = 1; span < out.length; span <<= 1) {
    // Sklansky level: every k in an upper half-block multiplies by the last element of its lower half.
    const targets: number[] = [];
    const sources: number[] = [];
    for (let k = 0; k < out.length; k++) {
      if (k & span) {
        targets.push(k);
        sources.push((k & ~(span - 1)) - 1);
      }
    }
    const products = await multiply(
      ctx,
      targets.map((k) => out[k]!),
      sources.map((s) => out[s]!),
    );
    targets.forEach((k, i) => {
      out[k] = products[i]!;
    });
  }
  return out;
}

/** Rounds of {@link publicLessThanBits} for ℓ bits. */
export function bitLessThanRounds(bits: number): number {
  return bits <= 1 ? 0 : Math.ceil(Math.log2(bits));
}

/**
 * Shares of [c < r] for a public c ∈ [0, 2^ℓ) and shares of the bits r_0 … r_{ℓ−1} (least significant
 * first); ⌈log2 ℓ⌉ rounds.
 * @throws {RangeError} when c does not fit in ℓ bits; {MpcError} from the rounds.
 */
export async function publicLessThanBits(
  ctx: ComputeContext,
  c: bigint,
  rBits: readonly bigint[],
): Promise<bigint> {
  const l = rBits.length;
  if (c < 0n || c >> BigInt(l) !== 0n) throw new RangeError(`c must be in [0, 2^${l})`);
  const cBit = (i: number): boolean => ((c >> BigInt(i)) & 1n) === 1n;
  // q_i = 1 − d_i, listed from the most significant bit down so that prefixes are suffixes of r.
  const q: bigint[] = [];
  for (let i = l - 1; i >= 0; i--) q.push(cBit(i) ? rBits[i]! : fsub(1n, rBits[i]!));
  const products = await prefixProducts(ctx, q);
  // e_i = 1 − Π_{j ≥ i} q_j = 1 − products[l − 1 − i].
  const e = (i: number): bigint => (i >= l ? 0n : fsub(1n, products[l - 1 - i]!));
  let lt = 0n;
  for (let i = 0; i < l; i++) {
    if (!cBit(i)) lt = fadd(lt, fsub(e(i), e(i + 1)));
  }
  return lt;
}
