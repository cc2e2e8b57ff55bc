/**
 * Error codes of the wire codec. Decoding untrusted bytes fails with a {@link CodecError} whose code
 * says which rule was broken, so the network layer can score or drop the peer that sent them.
 */

/** Stable codes; never rename them, they appear in peer-scoring logs. */
export const CodecErrorCode = {
  /** Input longer than the limit for its message type (checked before any parsing). */
  OVERSIZED: 'CODEC_OVERSIZED',
  /** Not well-formed CBOR, or CBOR features outside the profile (tags, floats, indefinite lengths). */
  MALFORMED: 'CODEC_MALFORMED',
  /** Well-formed, but not the one canonical encoding of its value (non-minimal ints, trailing bytes). */
  NON_CANONICAL: 'CODEC_NON_CANONICAL',
  /** A version this codec does not understand. */
  UNSUPPORTED_VERSION: 'CODEC_UNSUPPORTED_VERSION',
  /** Canonical CBOR, but the shape or a field value is not allowed by the schema. */
  SCHEMA: 'CODEC_SCHEMA',
} as const;

/** One of the {@link CodecErrorCode} strings. */
export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];

/** Decoding or encoding failure with a stable code and the field at fault. */
export class CodecError extends Error {
  readonly code: CodecErrorCode;
  readonly context: Readonly<Record<string, string | number>>;

  constructor(
    code: CodecErrorCode,
    message: string,
    context: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
    this.name = 'CodecError';
    this.code = code;
    this.context = context;
  }

  /** Plain-object form for logs and RPC. */
  toJSON(): { code: CodecErrorCode; message: string; context: Readonly<Record<string, string | number>> } {
    return { code: this.code, message: this.message, context: this.context };
  }
}
