/**
 * Compact binary form of Groth16 proofs on BN254 (snarkjs "bn128") for transactions:
 *
 *   proof  = 256 bytes: A.x ‖ A.y ‖ B.x.c0 ‖ B.x.c1 ‖ B.y.c0 ‖ B.y.c1 ‖ C.x ‖ C.y
 *            each a 32-byte big-endian base-field element below q, in snarkjs's JSON order
 *            (pi_b = [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]); points are affine (z = 1)
 *   signal = 32 bytes big-endian, below the scalar-field modulus r
 *
 * Only the shape is checked here; whether the points are on the curve and the proof verifies is the
 * `ProofVerifier`'s job.
 */
import { LedgerError } from '../tx/errors.ts';
import { BN254_R } from './dataset-directory.ts';
import type { Groth16Proof } from './interface.ts';

/** BN254 base field modulus q. */
export const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** Encoded proof length. */
export const GROTH16_PROOF_BYTES = 256;

const DECIMAL = /^[0-9]{1,78}$/;

function toBytes32(value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'));
}

function toBigint(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

function decimal(value: string, below: bigint, what: string): bigint {
  if (!DECIMAL.test(value)) throw new LedgerError('TX_MALFORMED', `${what}: not a decimal field element`);
  const n = BigInt(value);
  if (n >= below) throw new LedgerError('TX_MALFORMED', `${what}: not below the field modulus`);
  return n;
}

/**
 * Encodes a snarkjs Groth16 proof (affine points) to 256 bytes.
 * @throws {LedgerError} `TX_MALFORMED` for a proof not in that shape.
 */
export function encodeGroth16Proof(proof: Groth16Proof): Uint8Array {
  if (
    proof.pi_a[2] !== '1' ||
    proof.pi_c[2] !== '1' ||
    proof.pi_b[2][0] !== '1' ||
    proof.pi_b[2][1] !== '0'
  ) {
    throw new LedgerError('TX_MALFORMED', 'proof: points must be affine (z = 1)');
  }
  const coords = [
    proof.pi_a[0],
    proof.pi_a[1],
    proof.pi_b[0][0],
    proof.pi_b[0][1],
    proof.pi_b[1][0],
    proof.pi_b[1][1],
    proof.pi_c[0],
    proof.pi_c[1],
  ];
  const out = new Uint8Array(GROTH16_PROOF_BYTES);
  coords.forEach((c, i) => out.set(toBytes32(decimal(c, BN254_Q, `proof[${i}]`)), 32 * i));
  return out;
}

/**
 * Decodes 256 bytes to a snarkjs Groth16 proof.
 * @throws {LedgerError} `TX_MALFORMED` for a wrong length or a coordinate not below q.
 */
export function decodeGroth16Proof(bytes: Uint8Array): Groth16Proof {
  if (bytes.length !== GROTH16_PROOF_BYTES)
    throw new LedgerError('TX_MALFORMED', `proof: ${bytes.length} bytes`);
  const c = Array.from({ length: 8 }, (_, i) => {
    const n = toBigint(bytes.subarray(32 * i, 32 * i + 32));
    if (n >= BN254_Q) throw new LedgerError('TX_MALFORMED', `proof[${i}]: not below the base field modulus`);
    return n.toString();
  }) as [string, string, string, string, string, string, string, string];
  return {
    pi_a: [c[0], c[1], '1'],
    pi_b: [
      [c[2], c[3]],
      [c[4], c[5]],
      ['1', '0'],
    ],
    pi_c: [c[6], c[7], '1'],
    protocol: 'groth16',
    curve: 'bn128',
  };
}

/** Encodes a decimal public signal to 32 bytes. @throws {LedgerError} `TX_MALFORMED`. */
export function encodeSignal(signal: string): Uint8Array {
  return toBytes32(decimal(signal, BN254_R, 'signal'));
}

/** Decodes a 32-byte public signal to decimal. @throws {LedgerError} `TX_MALFORMED` if not below r. */
export function decodeSignal(bytes: Uint8Array): string {
  const n = toBigint(bytes);
  if (bytes.length !== 32 || n >= BN254_R)
    throw new LedgerError('TX_MALFORMED', 'signal: not a 32-byte field element');
  return n.toString();
}
