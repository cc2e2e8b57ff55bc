/**
 * Encoding of the consensus write-ahead state (`WalState`), version 1, in the same canonical CBOR
 * profile as the wire messages (see `consensus-codec.ts` for the profile and the message arrays):
 *
 *   Wal = [1, 5, height, round, step, lockedRound, lockedValue / null, validRound, validValue / null,
 *          [Proposal, ...], [Vote, ...], [Prevote, ...]]
 *
 *   step 0 = propose, 1 = prevote, 2 = precommit
 *   −1 ≤ lockedRound ≤ round, −1 ≤ validRound ≤ round; a value is null exactly when its round is −1
 *   own messages are full wire arrays (with signatures) of the WAL's height, at most 3 per round
 *   the last list is the proof-of-lock of validValue: prevotes of any validators (≤ 1000)
 *
 * Limit: 4 MiB, enough for own messages of ~10,000 rounds at one height.
 */
import type { RoundStep, WalState } from '../consensus/interface.ts';
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  readBytes,
  readInt,
  readList,
  readTuple,
} from './canonical.ts';
import {
  CODEC_VERSION,
  LIMITS,
  MAX_ROUND,
  MessageKind,
  proposalFromCbor,
  proposalToCbor,
  voteFromCbor,
  voteToCbor,
} from './consensus-codec.ts';
import { CodecError, CodecErrorCode } from './errors.ts';

/** Largest encoded WAL state. */
export const MAX_WAL_BYTES = 4 * 1024 * 1024;
/** Most own messages a WAL state may hold. */
export const MAX_WAL_MESSAGES = 30_000;

const STEPS: readonly RoundStep[] = ['propose', 'prevote', 'precommit'];

/**
 * Encodes a WAL state for stable storage.
 * @throws {CodecError} `CODEC_SCHEMA` if the state is outside the schema.
 */
export function encodeWalState(wal: WalState): Uint8Array {
  const bytes = encodeCanonical([
    CODEC_VERSION,
    MessageKind.wal,
    wal.height,
    wal.round,
    STEPS.indexOf(wal.step),
    wal.lockedRound,
    wal.lockedValue,
    wal.validRound,
    wal.validValue,
    wal.ownProposals.map(proposalToCbor),
    wal.ownVotes.map(voteToCbor),
    wal.validPolVotes.map(voteToCbor),
  ]);
  decodeWalState(bytes);
  return bytes;
}

/**
 * Decodes a WAL state read back from storage.
 * @throws {CodecError} `CODEC_OVERSIZED`, `CODEC_MALFORMED`, `CODEC_NON_CANONICAL`,
 *   `CODEC_UNSUPPORTED_VERSION` or `CODEC_SCHEMA`.
 */
export function decodeWalState(bytes: Uint8Array): WalState {
  const value = decodeCanonical(bytes, MAX_WAL_BYTES, 'wal');
  const f = readTuple(value, 12, 'wal');
  if (f[0] !== CODEC_VERSION)
    throw new CodecError(CodecErrorCode.UNSUPPORTED_VERSION, `wal: version ${String(f[0])}`);
  if (f[1] !== MessageKind.wal) throw new CodecError(CodecErrorCode.SCHEMA, `wal: kind ${String(f[1])}`);
  const height = readInt(f[2], 0, Number.MAX_SAFE_INTEGER, 'wal.height');
  const round = readInt(f[3], 0, MAX_ROUND, 'wal.round');
  const step = STEPS[readInt(f[4], 0, 2, 'wal.step')]!;
  const lockedRound = readInt(f[5], -1, round, 'wal.lockedRound');
  const lockedValue = readOptionalHash(f[6], lockedRound, 'wal.lockedValue');
  const validRound = readInt(f[7], -1, round, 'wal.validRound');
  const validValue = readOptionalHash(f[8], validRound, 'wal.validValue');
  const ownProposals = readList(f[9], MAX_WAL_MESSAGES, 'wal.ownProposals').map(proposalFromCbor);
  const ownVotes = readList(f[10], MAX_WAL_MESSAGES, 'wal.ownVotes').map(voteFromCbor);
  const validPolVotes = readList(f[11], LIMITS.signers, 'wal.validPolVotes').map(voteFromCbor);
  for (const m of [...ownProposals, ...ownVotes, ...validPolVotes]) {
    if (m.height !== height)
      throw new CodecError(CodecErrorCode.SCHEMA, `wal: message at height ${m.height}`);
  }
  return {
    height,
    round,
    step,
    lockedRound,
    lockedValue,
    validRound,
    validValue,
    ownProposals,
    ownVotes,
    validPolVotes,
  };
}

function readOptionalHash(value: CborValue | undefined, round: number, what: string): Uint8Array | null {
  if (round === -1) {
    if (value !== null)
      throw new CodecError(CodecErrorCode.SCHEMA, `${what}: must be null when its round is -1`);
    return null;
  }
  return readBytes(value, LIMITS.hashBytes, LIMITS.hashBytes, what);
}
