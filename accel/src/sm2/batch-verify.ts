// Batch verification of SM2 signatures with one answer per item, exactly what §7.1 verification
// of each item alone would say.
//
// Items whose signature carries the hint y1 (the y-coordinate of kG, see signature.ts) are checked
// together by the randomized linear combination of their verification equations
//     Σ zᵢ·Rᵢ = (Σ zᵢ·sᵢ)·G + Σⱼ (Σ_{i∈j} zᵢ·tᵢ)·Pⱼ,     Rᵢ = (xᵢ, y1ᵢ), xᵢ = (rᵢ − eᵢ) mod n,
// with fresh 128-bit zᵢ from the CSPRNG (Bellare–Garay–Rabin 1998, small-exponent test): a batch with
// any invalid item passes with probability ≤ 2^-128. The whole equation is ONE multi-scalar
// multiplication with 128-bit scalars (msm.ts): the 256-bit coefficients of G and of each signer's Pⱼ
// are split as c = c_lo + 2^128·c_hi against the points −P and −2^128·P, which are computed once per
// signer and cached — no per-signer tables are needed. The curve has prime order (h = 1), so there is
// no small subgroup to hide in. A failing batch is bisected until the bad items are found; small
// groups and items without a usable hint are verified one by one, so results never depend on the batch.
// A hint that is not the true y1 (e.g. p − y1, also on the curve) makes the item invalid, alone or in a
// batch (verify.ts): a signed message has exactly one valid hinted encoding.
import { bytesToBigint, type Sm2Curve, type Sm2Point, sm2Curve } from './curve.ts';
import { type AffinePoint, msm128 } from './msm.ts';
import type { Sm2Signature } from './signature.ts';
import { verifySm2Digest } from './verify.ts';

/** One decoded item: the digest e = SM3(Z ‖ M), the signature and the signer's point. */
export interface Sm2DecodedItem {
  e: bigint;
  sig: Sm2Signature;
  key: Sm2Point;
}

/** Below this size a group is verified item by item: an MSM does not pay off. */
const INDIVIDUAL_BELOW = 4;

/**
 * Verifies decoded items; `undefined` items (malformed upstream) answer false.
 * @returns one boolean per item.
 */
export function verifySm2BatchDecoded(
  items: readonly (Sm2DecodedItem | undefined)[],
  curve: Sm2Curve = sm2Curve,
): boolean[] {
  const results = new Array<boolean>(items.length).fill(false);
  const hinted: HintedItem[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!item) continue;
    const h = item.sig.y1 === undefined ? undefined : toHinted(i, item, curve);
    if (h) hinted.push(h);
    else results[i] = verifySm2Digest(item.e, item.sig, item.key, curve);
  }
  checkGroup(hinted, items, results, curve);
  return results;
}

interface HintedItem {
  index: number;
  R: AffinePoint;
  t: bigint;
}

const MASK128 = (1n << 128n) - 1n;

/** −P and −2^128·P in affine form, per point object (signers' points live in the key cache). */
const negatedPairs = new WeakMap<Sm2Point, readonly [AffinePoint, AffinePoint]>();

function negatedPair(P: Sm2Point): readonly [AffinePoint, AffinePoint] {
  let pair = negatedPairs.get(P);
  if (!pair) {
    let shifted = P;
    for (let i = 0; i < 128; i++) shifted = shifted.double();
    pair = [P.negate().toAffine(), shifted.negate().toAffine()];
    negatedPairs.set(P, pair);
  }
  return pair;
}

/** Range checks of §7.1 B1, B2, B5 and the hint's point; undefined when the item must go alone. */
function toHinted(index: number, item: Sm2DecodedItem, curve: Sm2Curve): HintedItem | undefined {
  const { n, p, a, b } = curve.params;
  const { r, s, y1 } = item.sig;
  if (r < 1n || r >= n || s < 1n || s >= n || y1 === undefined || y1 >= p) return undefined;
  const t = (r + s) % n;
  if (t === 0n) return undefined;
  // x1 ≡ r − e (mod n) and x1 < p; x1 + n is a second candidate below p with probability ~2^-96.
  const base = (((r - item.e) % n) + n) % n;
  for (const x of [base, base + n]) {
    if (x >= p) break;
    const rhs = (((x * x + a) % p) * x + b) % p;
    if ((y1 * y1) % p === rhs) return { index, R: { x, y: y1 }, t };
  }
  return undefined;
}

function checkGroup(
  group: HintedItem[],
  items: readonly (Sm2DecodedItem | undefined)[],
  results: boolean[],
  curve: Sm2Curve,
): void {
  if (group.length === 0) return;
  if (group.length < INDIVIDUAL_BELOW) {
    for (const h of group) {
      const item = items[h.index]!;
      results[h.index] = verifySm2Digest(item.e, item.sig, item.key, curve);
    }
    return;
  }
  if (combinationHolds(group, items, curve)) {
    for (const h of group) results[h.index] = true;
    return;
  }
  const mid = group.length >>> 1;
  checkGroup(group.slice(0, mid), items, results, curve);
  checkGroup(group.slice(mid), items, results, curve);
}

function combinationHolds(
  group: HintedItem[],
  items: readonly (Sm2DecodedItem | undefined)[],
  curve: Sm2Curve,
): boolean {
  const { n } = curve.params;
  const zs = randomScalars128(group.length);
  const points: AffinePoint[] = new Array(group.length);
  const scalars: bigint[] = zs.slice();
  let gCoeff = 0n;
  const perSigner = new Map<Sm2Point, bigint>();
  for (let i = 0; i < group.length; i++) {
    const h = group[i]!;
    const item = items[h.index]!;
    const z = zs[i]!;
    points[i] = h.R;
    gCoeff += z * item.sig.s;
    perSigner.set(item.key, (perSigner.get(item.key) ?? 0n) + z * h.t);
  }
  const push = (P: Sm2Point, coeff: bigint) => {
    const c = coeff % n;
    const [neg, negShifted] = negatedPair(P);
    points.push(neg, negShifted);
    scalars.push(c & MASK128, c >> 128n);
  };
  push(curve.Point.BASE, gCoeff);
  for (const [key, coeff] of perSigner) push(key, coeff);
  // Σ zᵢRᵢ − (Σ zᵢsᵢ)G − Σⱼ cⱼPⱼ must be the point at infinity.
  return msm128(curve, points, scalars).is0();
}

/** Non-zero 128-bit randomizers from `crypto.getRandomValues`. */
function randomScalars128(count: number): bigint[] {
  const out = new Array<bigint>(count);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let start = 0; start < count; start += 4096) {
    const m = Math.min(4096, count - start);
    const bytes = crypto.getRandomValues(new Uint8Array(m * 16));
    for (let i = 0; i < m; i++) {
      const z = bytesToBigint(bytes.subarray(i * 16, i * 16 + 16));
      out[start + i] = z === 0n ? 1n : z;
    }
  }
  return out;
}
