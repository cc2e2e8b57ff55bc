/**
 * Input sharing by a data holder: a degree-t Shamir sharing of the value, one blinding per share and the
 * public share commitments Poseidon(share_i, blinding_i) — exactly the witness and public signals of the
 * ShareBinding circuit, so the holder can prove the sharing binds its committed value.
 */
import { bitLength } from './field.ts';
import { VALUE_BITS } from './program.ts';
import { type MpcRandomness, randomFieldElement } from './randomness.ts';
import { type ShamirSharing, ShareOpener, shamirShare, thresholdFor } from './shamir.ts';

/** A share commitment function: commitment = C(share, blinding). Injectable; Poseidon by default. */
export type ShareCommitment = (share: bigint, blinding: bigint) => bigint;

/**
 * The default share commitment, Poseidon(share, blinding) as @privgate/circuits' `shareCommitment`
 * computes it (the circuits package is loaded on first use: it is large).
 */
export async function poseidonShareCommitment(): Promise<ShareCommitment> {
  const { defaultPoseidon, shareCommitment } = await import('@privgate/circuits');
  const hasher = await defaultPoseidon();
  return (share, blinding) => shareCommitment(hasher, share, blinding);
}

/**
 * A holder's prepared input: the sharing it sends, and what its ShareBinding proof needs (`value`,
 * `sharing`, `shareBlindings` match @privgate/circuits' SharingWitness; `shareCommitments` are the proof's
 * public signals).
 */
export interface PreparedInput {
  value: bigint;
  sharing: ShamirSharing;
  shareBlindings: bigint[];
  shareCommitments: bigint[];
}

/**
 * Shares an input value among `parties` compute parties with degree t = ⌊(n − 1)/2⌋ and commits to
 * every share.
 * @throws {RangeError} when the value is not in [0, 2^64) or the party count is below 3.
 */
export function prepareInputSharing(
  value: bigint,
  parties: number,
  commit: ShareCommitment,
  rng: MpcRandomness,
): PreparedInput {
  checkValue(value);
  if (!Number.isInteger(parties) || parties < 3) throw new RangeError('parties must be an integer ≥ 3');
  const sharing = shamirShare(value, parties, thresholdFor(parties), rng);
  const shareBlindings = sharing.shares.map(() => randomFieldElement(rng));
  const shareCommitments = sharing.shares.map((s, i) => commit(s, shareBlindings[i]!));
  return { value, sharing, shareBlindings, shareCommitments };
}

/**
 * Checks a prepared input before it is sent: the value is 64-bit, the n shares lie on one polynomial of
 * degree t with that value at 0, and the commitments open to the shares.
 * @throws {RangeError} naming what is wrong.
 */
export function checkPreparedInput(input: PreparedInput, parties: number, commit: ShareCommitment): void {
  checkValue(input.value);
  const t = thresholdFor(parties);
  const { shares } = input.sharing;
  if (input.sharing.degree !== t) throw new RangeError(`sharing degree must be ${t}`);
  if (shares.length !== parties || input.shareBlindings.length !== parties) {
    throw new RangeError(`need ${parties} shares and share blindings`);
  }
  if (input.shareCommitments.length !== parties) throw new RangeError(`need ${parties} share commitments`);
  const opened = new ShareOpener(parties, t).open(shares);
  if (!opened.consistent || opened.secret !== input.value) {
    throw new RangeError(`shares are not a degree-${t} sharing of the value`);
  }
  shares.forEach((s, i) => {
    if (commit(s, input.shareBlindings[i]!) !== input.shareCommitments[i]) {
      throw new RangeError(`shareCommitments[${i}] does not open to share ${i}`);
    }
  });
}

function checkValue(value: bigint): void {
  if (typeof value !== 'bigint') throw new TypeError('input value must be a bigint');
  if (value < 0n || bitLength(value) > VALUE_BITS) throw new RangeError('input value must be in [0, 2^64)');
}
