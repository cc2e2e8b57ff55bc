/**
 * Mod2m with statistical masking (Catrina and Saxena, "Secure computation with fixed-point numbers",
 * FC 2010; refined by Catrina and de Hoogh, "Improved primitives for secure multiparty integer
 * computation", SCN 2010), semi-honest, honest majority: [z mod 2^m] for a shared 0 ≤ z < 2^k.
 *
 * With shared random bits r_0 … r_{m−1} (r' = Σ 2^i r_i) and a shared r'' of k + κ − m bits, open
 * c = z + 2^m·r'' + r'; then z mod 2^m = c' − r' + 2^m·[c' < r'] with c' = c mod 2^m. Here r'' is the sum
 * of one (k + κ − m)-bit contribution per compute party (each uniform), which hides the top of z as well
 * as one uniform r'' would: the honest contributions alone give statistical distance ≤ 2^−κ.
 * c is an integer below 2^k + 2^m + n·2^(k+κ), far below r, so no wrap-around occurs.
 */
import { MpcError } from '../errors.ts';
import { fadd, fmul, fsub } from '../field.ts';
import { STATISTICAL_SECURITY } from '../program.ts';
import { publicLessThanBits } from './bit-lt.ts';
import type { ComputeContext } from './context.ts';
import { openToAll } from './open.ts';

/** The shared mask of one Mod2m. */
export interface Mod2mMask {
  /** Shares of m random bits, least significant first. */
  bits: readonly bigint[];
  /** Share of r'' (sum of the parties' (k + κ − m)-bit contributions). */
  high: bigint;
}

/**
 * Shares of z mod 2^m for a shared z < 2^k; 1 + ⌈log2 m⌉ rounds.
 * @throws {MpcError} `MPC_INCONSISTENT_SHARE` when the opened c is inconsistent, `MPC_PROTOCOL_ABORT` when
 * c is out of its range (an input outside its bound), and the rounds' errors.
 */
export async function mod2m(ctx: ComputeContext, z: bigint, k: number, mask: Mod2mMask): Promise<bigint> {
  const m = mask.bits.length;
  const twoM = 1n << BigInt(m);
  let rLow = 0n;
  for (let i = m - 1; i >= 0; i--) rLow = fadd(fadd(rLow, rLow), mask.bits[i]!);
  const masked = fadd(fadd(z, fmul(twoM, mask.high)), rLow);
  const [c] = (await openToAll(ctx, 'open-masked', [masked], ctx.openDegreeT)) as [bigint];
  const highBits = k + STATISTICAL_SECURITY - m;
  const bound = (1n << BigInt(k)) + twoM + BigInt(ctx.n) * (1n << BigInt(m + highBits));
  if (c >= bound) {
    throw new MpcError('MPC_PROTOCOL_ABORT', 'the masked value is out of range: an input exceeds its bound', {
      reason: 'masked value out of range',
      step: 'open-masked',
    });
  }
  const cLow = c % twoM;
  const lt = await publicLessThanBits(ctx, cLow, mask.bits);
  return fadd(fsub(cLow, rLow), fmul(twoM, lt));
}
