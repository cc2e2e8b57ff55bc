/** Canonical, versioned encodings of consensus messages, certificates and WAL state. */
export { type CborValue, decodeCanonical, encodeCanonical } from './canonical.ts';
export {
  CODEC_VERSION,
  decodeCertificate,
  decodeMessage,
  encodeCertificate,
  encodeMessage,
  LIMITS,
  MAX_CERTIFICATE_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_ROUND,
  MessageKind,
  proposalSignBytes,
  voteSignBytes,
} from './consensus-codec.ts';
export { CodecError, CodecErrorCode } from './errors.ts';
export { decodeWalState, encodeWalState, MAX_WAL_BYTES, MAX_WAL_MESSAGES } from './wal-codec.ts';
