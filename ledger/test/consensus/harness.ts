/**
 * Helpers for driving one consensus core by hand: the test plays the other validators, signing their
 * messages with their HMAC keys (see `../sim/hmac-crypto.ts` for why HMAC stands in for SM2).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { proposalSignBytes, voteSignBytes } from '../../src/codec/index.ts';
import type {
  BlockHash,
  ConsensusOutput,
  Proposal,
  SignedMessage,
  StepResult,
  TimeoutConfig,
  Vote,
  VoteType,
  WalState,
} from '../../src/consensus/index.ts';
import { Tendermint } from '../../src/consensus/index.ts';
import { makeValidators } from '../sim/hmac-crypto.ts';

/** Short timeouts; their values only matter as output fields here. */
export const TEST_TIMEOUTS: TimeoutConfig = {
  propose: { baseMs: 100, deltaMs: 10 },
  prevote: { baseMs: 50, deltaMs: 10 },
  precommit: { baseMs: 50, deltaMs: 10 },
};

/** A 32-byte block hash from a label. */
export const block = (label: string): BlockHash => sha256(new TextEncoder().encode(label));

/** A network of n validators `v0…` and factories for cores and for other validators' messages. */
export function network(n: number) {
  const { ids, keyring, set } = makeValidators(n, 7);
  const id = (i: number) => ids[i]!;
  return {
    ids,
    set,
    keyring,
    /** A core for validator `i` whose application proposes `block('value-i-h')`. */
    core(i: number, wal?: WalState, Core: typeof Tendermint = Tendermint): Tendermint {
      const app = { getValue: (h: number) => block(`value-${i}-${h}`) };
      return new Core(
        { validatorId: id(i), validators: set, timeouts: TEST_TIMEOUTS },
        { crypto: keyring.cryptoFor(id(i)), app },
        wal,
      );
    },
    /** A proposal signed by validator `i`. */
    proposal(i: number, height: number, round: number, blockHash: BlockHash, polRound = -1): Proposal {
      const unsigned = { height, round, blockHash, polRound, proposer: id(i) };
      return { ...unsigned, signature: keyring.signerFor(id(i))(proposalSignBytes(set.chainId, unsigned)) };
    },
    /** A vote signed by validator `i`. */
    vote(i: number, type: VoteType, height: number, round: number, blockHash: BlockHash | null): Vote {
      const unsigned = { type, height, round, blockHash, validator: id(i) };
      return { ...unsigned, signature: keyring.signerFor(id(i))(voteSignBytes(set.chainId, unsigned)) };
    },
  };
}

/** Outputs of one type. */
export function outputs<T extends ConsensusOutput['type']>(
  result: StepResult,
  type: T,
): Extract<ConsensusOutput, { type: T }>[] {
  return result.outputs.filter((o): o is Extract<ConsensusOutput, { type: T }> => o.type === type);
}

/** Broadcast messages of a step. */
export function sent(result: StepResult): SignedMessage[] {
  return outputs(result, 'broadcast').map((o) => o.message);
}

/** The votes a step broadcast. */
export function sentVotes(result: StepResult): Vote[] {
  return sent(result).flatMap((m) => (m.kind === 'vote' ? [m.vote] : []));
}

/** Feeds several inputs and concatenates their results' outputs. */
export function feed(core: Tendermint, inputs: Parameters<Tendermint['step']>[0][]): StepResult {
  const all: ConsensusOutput[] = [];
  for (const input of inputs) all.push(...core.step(input).outputs);
  return { outputs: all };
}
