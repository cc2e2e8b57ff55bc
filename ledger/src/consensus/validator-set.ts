/**
 * The validator set, fixed at genesis. Every validator has voting power 1, so tallies are counts.
 *
 * With n validators the set tolerates f = ⌊(n − 1) / 3⌋ Byzantine ones. A quorum is n − f, which is
 * the paper's 2f + 1 when n = 3f + 1 (4 → 3, 7 → 5) and keeps two quorums intersecting in at least
 * f + 1 validators, one of them correct, for any other n. The round-skip threshold is f + 1
 * (Algorithm 1, line 55): f + 1 senders include at least one correct process.
 */
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import type { ValidatorId } from './interface.ts';

/** Largest validator id, in UTF-8 bytes (matches the codec's limit). */
export const MAX_VALIDATOR_ID_BYTES = 128;
/** Largest validator set; bounds certificate size. */
export const MAX_VALIDATORS = 1000;

/** One genesis entry: an id and an opaque public key understood by the `ConsensusCrypto` in use. */
export interface GenesisValidator {
  readonly id: ValidatorId;
  readonly publicKey: Uint8Array;
}

/** The part of genesis consensus needs. `chainId` is mixed into every signature (no cross-chain replay). */
export interface Genesis {
  readonly chainId: string;
  readonly validators: readonly GenesisValidator[];
}

/** Immutable validator set with the thresholds Algorithm 1 uses. */
export class ValidatorSet {
  /** Chain identifier, part of every signed message. */
  readonly chainId: string;
  /** Validators in genesis order; proposer rotation follows this order. */
  readonly validators: readonly GenesisValidator[];
  /** Number of validators. */
  readonly n: number;
  /** Byzantine validators tolerated. */
  readonly f: number;
  /** Votes needed for a quorum: n − f (2f + 1 when n = 3f + 1). */
  readonly quorum: number;
  /** Senders needed to skip to a higher round: f + 1. */
  readonly skipThreshold: number;
  private readonly index: ReadonlyMap<ValidatorId, number>;

  /**
   * Validates genesis and derives the thresholds.
   * @throws {ConsensusError} `CONSENSUS_INVALID_VALIDATOR_SET` for an empty or oversized set, an empty,
   *   oversized or duplicate id, or an empty chain id.
   */
  constructor(genesis: Genesis) {
    const fail = (message: string): never => {
      throw new ConsensusError(ConsensusErrorCode.INVALID_VALIDATOR_SET, message);
    };
    if (genesis.chainId.length === 0) fail('chainId must not be empty');
    const n = genesis.validators.length;
    if (n === 0 || n > MAX_VALIDATORS) fail(`validator count ${n} outside 1..${MAX_VALIDATORS}`);
    const index = new Map<ValidatorId, number>();
    genesis.validators.forEach((v, i) => {
      const bytes = Buffer.byteLength(v.id, 'utf8');
      if (bytes === 0 || bytes > MAX_VALIDATOR_ID_BYTES) fail(`validator id at ${i} has ${bytes} bytes`);
      // Ids are signed as UTF-8: one that does not survive the round trip (lone surrogate) is unusable.
      if (Buffer.from(v.id, 'utf8').toString('utf8') !== v.id)
        fail(`validator id at ${i} is not well-formed Unicode`);
      if (index.has(v.id)) fail(`duplicate validator id ${v.id}`);
      index.set(v.id, i);
    });
    this.chainId = genesis.chainId;
    this.validators = genesis.validators.map((v) => ({ id: v.id, publicKey: Uint8Array.from(v.publicKey) }));
    this.n = n;
    this.f = Math.floor((n - 1) / 3);
    this.quorum = n - this.f;
    this.skipThreshold = this.f + 1;
    this.index = index;
  }

  /** Whether `id` is a validator. */
  has(id: ValidatorId): boolean {
    return this.index.has(id);
  }

  /** Position of `id` in genesis order, or -1. */
  indexOf(id: ValidatorId): number {
    return this.index.get(id) ?? -1;
  }

  /** Voting power of `id`: 1 for a validator, 0 otherwise. */
  powerOf(id: ValidatorId): number {
    return this.index.has(id) ? 1 : 0;
  }

  /** Public key of `id`, or undefined for a non-validator. */
  publicKeyOf(id: ValidatorId): Uint8Array | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.validators[i]?.publicKey;
  }

  /**
   * The validator at `position` modulo n.
   * @throws {RangeError} if `position` is not a safe non-negative integer.
   */
  at(position: number): GenesisValidator {
    if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`position: ${position}`);
    return this.validators[position % this.n]!;
  }
}
