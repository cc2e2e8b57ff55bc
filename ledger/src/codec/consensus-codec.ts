/**
 * Wire and signing encoding of Tendermint messages, version 1.
 *
 * Every value is canonical CBOR of the profile in `canonical.ts` (arrays only, shortest integers,
 * no tags or floats). Item 0 is the version (1), item 1 the message kind, then fixed positions:
 *
 *   Proposal    = [1, 1, height, round, blockHash, polRound, proposer, signature]
 *   Prevote     = [1, 2, height, round, blockHash / null, validator, signature]
 *   Precommit   = [1, 3, height, round, blockHash / null, validator, signature]
 *   Certificate = [1, 4, height, round, blockHash, [[validator, signature], ...]]
 *   (WAL state  = [1, 5, ...], see `wal-codec.ts`)
 *
 *   height    uint ≤ 2^53 − 1          round      uint ≤ 2^31 − 1
 *   polRound  int, −1 ≤ polRound < round
 *   blockHash bstr, exactly 32 bytes   null is a nil vote
 *   validator, proposer  tstr, 1..128 UTF-8 bytes
 *   signature bstr, 1..128 bytes (SM2 r‖s is 64, DER ≤ 72)
 *   certificate signers: 1..1000 entries, strictly ascending by validator UTF-8 bytes (no duplicates)
 *
 * Size limits, checked before parsing: 1 KiB for a proposal or vote, 256 KiB for a certificate.
 *
 * Sign bytes: ASCII domain tag ‖ canonical CBOR of the unsigned fields, with the chain id, so a
 * signature for one message type, chain or schema version can never be replayed as another:
 *
 *   proposal  "privgate/tendermint/v1/proposal\0"  ‖ [1, chainId, height, round, blockHash, polRound, proposer]
 *   prevote   "privgate/tendermint/v1/prevote\0"   ‖ [1, chainId, height, round, blockHash / null, validator]
 *   precommit "privgate/tendermint/v1/precommit\0" ‖ [1, chainId, height, round, blockHash / null, validator]
 *
 * A certificate is not signed itself: each entry is a precommit whose sign bytes are rebuilt from the
 * certificate's height, round and blockHash.
 */
import type { CommitCertificate, Proposal, SignedMessage, Vote, VoteType } from '../consensus/interface.ts';
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  readBytes,
  readInt,
  readList,
  readText,
  readTuple,
} from './canonical.ts';
import { CodecError, CodecErrorCode } from './errors.ts';

/** Schema version written in item 0 of every message. */
export const CODEC_VERSION = 1;
/** Message kinds (item 1). */
export const MessageKind = { proposal: 1, prevote: 2, precommit: 3, certificate: 4, wal: 5 } as const;
/** Largest encoded proposal or vote. */
export const MAX_MESSAGE_BYTES = 1024;
/** Largest encoded certificate. */
export const MAX_CERTIFICATE_BYTES = 256 * 1024;
/** Largest round number the codec accepts. */
export const MAX_ROUND = 2 ** 31 - 1;
/** Field limits shared with the WAL codec. */
export const LIMITS = { idBytes: 128, signatureBytes: 128, hashBytes: 32, signers: 1000 } as const;

const DOMAIN = {
  proposal: Buffer.from('privgate/tendermint/v1/proposal\0', 'ascii'),
  prevote: Buffer.from('privgate/tendermint/v1/prevote\0', 'ascii'),
  precommit: Buffer.from('privgate/tendermint/v1/precommit\0', 'ascii'),
} as const;

const concat = (tag: Uint8Array, body: Uint8Array): Uint8Array => {
  const out = new Uint8Array(tag.length + body.length);
  out.set(tag, 0);
  out.set(body, tag.length);
  return out;
};

/** The exact bytes a proposer signs for `proposal` (its `signature` field is ignored). */
export function proposalSignBytes(chainId: string, p: Omit<Proposal, 'signature'>): Uint8Array {
  const body = [CODEC_VERSION, chainId, p.height, p.round, p.blockHash, p.polRound, p.proposer];
  return concat(DOMAIN.proposal, encodeCanonical(body));
}

/** The exact bytes a validator signs for `vote` (its `signature` field is ignored). */
export function voteSignBytes(chainId: string, v: Omit<Vote, 'signature'>): Uint8Array {
  const body = [CODEC_VERSION, chainId, v.height, v.round, v.blockHash, v.validator];
  return concat(DOMAIN[v.type], encodeCanonical(body));
}

/** Wire array of a proposal (shared with the WAL codec). */
export function proposalToCbor(p: Proposal): CborValue {
  return [
    CODEC_VERSION,
    MessageKind.proposal,
    p.height,
    p.round,
    p.blockHash,
    p.polRound,
    p.proposer,
    p.signature,
  ];
}

/** Wire array of a vote (shared with the WAL codec). */
export function voteToCbor(v: Vote): CborValue {
  return [CODEC_VERSION, MessageKind[v.type], v.height, v.round, v.blockHash, v.validator, v.signature];
}

function readHeader(
  value: CborValue | undefined,
  what: string,
): { kind: number; items: readonly CborValue[] } {
  if (!Array.isArray(value) || value.length < 2) {
    throw new CodecError(CodecErrorCode.SCHEMA, `${what}: expected [version, kind, ...]`);
  }
  const items: readonly CborValue[] = value;
  if (items[0] !== CODEC_VERSION) {
    throw new CodecError(CodecErrorCode.UNSUPPORTED_VERSION, `${what}: version ${String(items[0])}`);
  }
  return { kind: readInt(items[1], 1, 255, `${what}.kind`), items };
}

/** Parses a proposal's wire array (shared with the WAL codec). @throws {CodecError} */
export function proposalFromCbor(value: CborValue | undefined): Proposal {
  const { kind } = readHeader(value, 'proposal');
  if (kind !== MessageKind.proposal) throw new CodecError(CodecErrorCode.SCHEMA, `proposal: kind ${kind}`);
  const f = readTuple(value, 8, 'proposal');
  const round = readInt(f[3], 0, MAX_ROUND, 'proposal.round');
  return {
    height: readInt(f[2], 0, Number.MAX_SAFE_INTEGER, 'proposal.height'),
    round,
    blockHash: readBytes(f[4], LIMITS.hashBytes, LIMITS.hashBytes, 'proposal.blockHash'),
    polRound: readInt(f[5], -1, round - 1, 'proposal.polRound'),
    proposer: readText(f[6], LIMITS.idBytes, 'proposal.proposer'),
    signature: readBytes(f[7], 1, LIMITS.signatureBytes, 'proposal.signature'),
  };
}

/** Parses a vote's wire array (shared with the WAL codec). @throws {CodecError} */
export function voteFromCbor(value: CborValue | undefined): Vote {
  const { kind } = readHeader(value, 'vote');
  const type: VoteType | undefined =
    kind === MessageKind.prevote ? 'prevote' : kind === MessageKind.precommit ? 'precommit' : undefined;
  if (type === undefined) throw new CodecError(CodecErrorCode.SCHEMA, `vote: kind ${kind}`);
  const f = readTuple(value, 7, 'vote');
  return {
    type,
    height: readInt(f[2], 0, Number.MAX_SAFE_INTEGER, 'vote.height'),
    round: readInt(f[3], 0, MAX_ROUND, 'vote.round'),
    blockHash: f[4] === null ? null : readBytes(f[4], LIMITS.hashBytes, LIMITS.hashBytes, 'vote.blockHash'),
    validator: readText(f[5], LIMITS.idBytes, 'vote.validator'),
    signature: readBytes(f[6], 1, LIMITS.signatureBytes, 'vote.signature'),
  };
}

/**
 * Encodes a proposal or vote for the wire.
 * @throws {CodecError} `CODEC_SCHEMA` if a field is outside the schema (checked by decoding back).
 */
export function encodeMessage(message: SignedMessage): Uint8Array {
  const bytes = encodeCanonical(
    message.kind === 'proposal' ? proposalToCbor(message.proposal) : voteToCbor(message.vote),
  );
  decodeMessage(bytes); // never emit what a peer would reject
  return bytes;
}

/**
 * Decodes a proposal or vote received from the wire.
 * @throws {CodecError} `CODEC_OVERSIZED`, `CODEC_MALFORMED`, `CODEC_NON_CANONICAL`,
 *   `CODEC_UNSUPPORTED_VERSION` or `CODEC_SCHEMA`.
 */
export function decodeMessage(bytes: Uint8Array): SignedMessage {
  const value = decodeCanonical(bytes, MAX_MESSAGE_BYTES, 'message');
  const { kind } = readHeader(value, 'message');
  if (kind === MessageKind.proposal) return { kind: 'proposal', proposal: proposalFromCbor(value) };
  return { kind: 'vote', vote: voteFromCbor(value) };
}

/**
 * Encodes a commit certificate; signers must already be in canonical (ascending id) order.
 * @throws {CodecError} `CODEC_SCHEMA` if a field is outside the schema or signers are unordered.
 */
export function encodeCertificate(c: CommitCertificate): Uint8Array {
  const signers = c.precommits.map((s) => [s.validator, s.signature]);
  const bytes = encodeCanonical([
    CODEC_VERSION,
    MessageKind.certificate,
    c.height,
    c.round,
    c.blockHash,
    signers,
  ]);
  decodeCertificate(bytes);
  return bytes;
}

/**
 * Decodes a commit certificate. Structure only: use `verifyCertificate` to check its signatures.
 * @throws {CodecError} as {@link decodeMessage}; `CODEC_SCHEMA` also for unordered or repeated signers.
 */
export function decodeCertificate(bytes: Uint8Array): CommitCertificate {
  const value = decodeCanonical(bytes, MAX_CERTIFICATE_BYTES, 'certificate');
  const { kind } = readHeader(value, 'certificate');
  if (kind !== MessageKind.certificate)
    throw new CodecError(CodecErrorCode.SCHEMA, `certificate: kind ${kind}`);
  const f = readTuple(value, 6, 'certificate');
  const entries = readList(f[5], LIMITS.signers, 'certificate.precommits');
  if (entries.length === 0) throw new CodecError(CodecErrorCode.SCHEMA, 'certificate: no precommits');
  let previous: Buffer | undefined;
  const precommits = entries.map((entry, i) => {
    const pair = readTuple(entry, 2, `certificate.precommits[${i}]`);
    const validator = readText(pair[0], LIMITS.idBytes, `certificate.precommits[${i}].validator`);
    const id = Buffer.from(validator, 'utf8');
    if (previous !== undefined && Buffer.compare(previous, id) >= 0) {
      throw new CodecError(CodecErrorCode.SCHEMA, `certificate: signer ${i} out of order or repeated`);
    }
    previous = id;
    return {
      validator,
      signature: readBytes(pair[1], 1, LIMITS.signatureBytes, `certificate.precommits[${i}]`),
    };
  });
  return {
    height: readInt(f[2], 0, Number.MAX_SAFE_INTEGER, 'certificate.height'),
    round: readInt(f[3], 0, MAX_ROUND, 'certificate.round'),
    blockHash: readBytes(f[4], LIMITS.hashBytes, LIMITS.hashBytes, 'certificate.blockHash'),
    precommits,
  };
}
