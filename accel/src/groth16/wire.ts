// Plain copies of keys and proofs for crossing to a worker: only the fields verification reads, arrays
// of strings kept as they are and anything else replaced by null (which then decodes as malformed), so
// a structured clone never fails on a caller's odd object and never carries more than a proof's size.
import { decodeKey } from './decode.ts';
import { type Groth16VerificationKey, type Groth16VerifyItem, MAX_PUBLIC_SIGNALS } from './types.ts';

const MAX_ARRAY = MAX_PUBLIC_SIGNALS + 1;

function plain(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length <= 100 ? value : null;
  if (Array.isArray(value) && depth < 3 && value.length <= MAX_ARRAY)
    return value.map((v) => plain(v, depth + 1));
  return null;
}

const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;

/** The verification-relevant part of one item. */
export function itemToWire(item: unknown): Groth16VerifyItem {
  const proof = field(item, 'proof');
  const tag = (k: string) => {
    const v = field(proof, k);
    return typeof v === 'string' ? v : v === undefined ? undefined : null;
  };
  return {
    proof: {
      pi_a: plain(field(proof, 'pi_a'), 0),
      pi_b: plain(field(proof, 'pi_b'), 0),
      pi_c: plain(field(proof, 'pi_c'), 0),
      ...(tag('protocol') === undefined ? {} : { protocol: tag('protocol') }),
      ...(tag('curve') === undefined ? {} : { curve: tag('curve') }),
    },
    publicSignals: plain(field(item, 'publicSignals'), 0),
  } as Groth16VerifyItem;
}

/**
 * The verification-relevant part of a key, after checking it decodes.
 * @throws {AccelError} GROTH16_INVALID_VKEY (from decodeKey).
 */
export function keyToWire(vkey: unknown): Groth16VerificationKey {
  decodeKey(vkey);
  const k = vkey as Groth16VerificationKey;
  return {
    protocol: k.protocol,
    curve: k.curve,
    nPublic: k.nPublic,
    vk_alpha_1: plain(k.vk_alpha_1, 0),
    vk_beta_2: plain(k.vk_beta_2, 0),
    vk_gamma_2: plain(k.vk_gamma_2, 0),
    vk_delta_2: plain(k.vk_delta_2, 0),
    IC: plain(k.IC, 0),
  } as Groth16VerificationKey;
}
