/**
 * The canonical CBOR codec of consensus messages: round trips (fast-check), a hand-written vector that
 * pins the schema, domain separation of sign bytes, and rejection of malformed or non-canonical input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CodecError,
  CodecErrorCode,
  decodeCertificate,
  decodeMessage,
  decodeWalState,
  encodeCertificate,
  encodeMessage,
  encodeWalState,
  MAX_MESSAGE_BYTES,
  MAX_ROUND,
  proposalSignBytes,
  voteSignBytes,
} from '../../src/codec/index.ts';
import type {
  CommitCertificate,
  Proposal,
  SignedMessage,
  Vote,
  WalState,
} from '../../src/consensus/index.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const hashArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const idArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 16 })
  .filter((s) => Buffer.byteLength(s) <= 128);
const sigArb = fc.uint8Array({ minLength: 1, maxLength: 128 });
const heightArb = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const roundArb = fc.integer({ min: 0, max: MAX_ROUND });

const proposalArb: fc.Arbitrary<Proposal> = fc
  .record({
    height: heightArb,
    round: roundArb,
    blockHash: hashArb,
    proposer: idArb,
    signature: sigArb,
    pol: fc.nat(),
  })
  .map(({ pol, ...p }) => ({ ...p, polRound: p.round === 0 ? -1 : (pol % (p.round + 1)) - 1 }));
const voteArb: fc.Arbitrary<Vote> = fc.record({
  type: fc.constantFrom('prevote' as const, 'precommit' as const),
  height: heightArb,
  round: roundArb,
  blockHash: fc.option(hashArb, { nil: null }),
  validator: idArb,
  signature: sigArb,
});
const certificateArb: fc.Arbitrary<CommitCertificate> = fc
  .record({
    height: heightArb,
    round: roundArb,
    blockHash: hashArb,
    signers: fc.uniqueArray(fc.tuple(idArb, sigArb), { minLength: 1, maxLength: 10, selector: ([id]) => id }),
  })
  .map(({ signers, ...c }) => ({
    ...c,
    precommits: signers
      .map(([validator, signature]) => ({ validator, signature }))
      .sort((a, b) => Buffer.compare(Buffer.from(a.validator), Buffer.from(b.validator))),
  }));

const expectCode = (f: () => unknown, code: string) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).code).toBe(code);
    return;
  }
  expect.unreachable(`expected ${code}`);
};

/** Hand-written: prevote, height 1, round 0, hash 32 × 0x11, validator "v1", signature 32 × 0x22. */
const VOTE_VECTOR = `87 01 02 01 00 5820 ${'11'.repeat(32)} 62 7631 5820 ${'22'.repeat(32)}`;
const vector: Vote = {
  type: 'prevote',
  height: 1,
  round: 0,
  blockHash: new Uint8Array(32).fill(0x11),
  validator: 'v1',
  signature: new Uint8Array(32).fill(0x22),
};

describe('codec round trips', () => {
  it('proposals', () => {
    fc.assert(
      fc.property(proposalArb, (proposal) => {
        const message: SignedMessage = { kind: 'proposal', proposal };
        expect(decodeMessage(encodeMessage(message))).toEqual(message);
      }),
    );
  });

  it('votes', () => {
    fc.assert(
      fc.property(voteArb, (vote) => {
        const message: SignedMessage = { kind: 'vote', vote };
        expect(decodeMessage(encodeMessage(message))).toEqual(message);
      }),
    );
  });

  it('certificates', () => {
    fc.assert(
      fc.property(certificateArb, (c) => {
        expect(decodeCertificate(encodeCertificate(c))).toEqual(c);
      }),
    );
  });

  it('WAL states', () => {
    const walArb: fc.Arbitrary<WalState> = fc
      .record({
        height: heightArb,
        round: fc.integer({ min: 0, max: 50 }),
        step: fc.constantFrom('propose' as const, 'prevote' as const, 'precommit' as const),
        locked: fc.option(hashArb, { nil: null }),
        votes: fc.array(voteArb, { maxLength: 4 }),
        proposals: fc.array(proposalArb, { maxLength: 2 }),
        pol: fc.array(voteArb, { maxLength: 4 }),
      })
      .map(({ height, round, step, locked, votes, proposals, pol }) => ({
        height,
        round,
        step,
        lockedValue: locked,
        lockedRound: locked === null ? -1 : round,
        validValue: locked,
        validRound: locked === null ? -1 : round,
        ownProposals: proposals.map((p) => ({ ...p, height })),
        ownVotes: votes.map((v) => ({ ...v, height })),
        validPolVotes:
          locked === null
            ? []
            : pol.map((v) => ({ ...v, type: 'prevote' as const, height, round, blockHash: locked })),
      }));
    fc.assert(
      fc.property(walArb, (wal) => {
        expect(decodeWalState(encodeWalState(wal))).toEqual(wal);
      }),
    );
  });

  it('matches the hand-written vector', () => {
    expect(toHex(encodeMessage({ kind: 'vote', vote: vector }))).toBe(VOTE_VECTOR.replace(/\s+/g, ''));
    const nil = encodeMessage({ kind: 'vote', vote: { ...vector, type: 'precommit', blockHash: null } });
    expect(toHex(nil)).toBe(`870103010${'0'}f662763158 20${'22'.repeat(32)}`.replace(/\s+/g, ''));
  });
});

describe('sign bytes', () => {
  it('are domain-separated by message type and chain, and cover every field', () => {
    const base = { height: 1, round: 0, blockHash: new Uint8Array(32).fill(0x11), validator: 'v1' };
    const prevote = voteSignBytes('chain', { ...base, type: 'prevote' });
    const precommit = voteSignBytes('chain', { ...base, type: 'precommit' });
    expect(toHex(prevote)).not.toBe(toHex(precommit));
    expect(Buffer.from(prevote).toString('latin1')).toMatch(/^privgate\/tendermint\/v1\/prevote\0/);
    expect(toHex(voteSignBytes('other', { ...base, type: 'prevote' }))).not.toBe(toHex(prevote));
    expect(toHex(voteSignBytes('chain', { ...base, type: 'prevote', round: 1 }))).not.toBe(toHex(prevote));
    expect(toHex(voteSignBytes('chain', { ...base, type: 'prevote', blockHash: null }))).not.toBe(
      toHex(prevote),
    );
    const proposal = proposalSignBytes('chain', {
      height: 1,
      round: 0,
      blockHash: base.blockHash,
      polRound: -1,
      proposer: 'v1',
    });
    expect(Buffer.from(proposal).toString('latin1')).toMatch(/^privgate\/tendermint\/v1\/proposal\0/);
  });
});

describe('codec rejects', () => {
  const valid = hex(VOTE_VECTOR);
  const withBytes = (prefix: string, rest: Uint8Array) => Uint8Array.from([...hex(prefix), ...rest]);
  const afterHeader = valid.subarray(5); // everything after [87 01 02 01 00]

  it.each([
    ['oversized input', new Uint8Array(MAX_MESSAGE_BYTES + 1), CodecErrorCode.OVERSIZED],
    ['a trailing byte', Uint8Array.from([...valid, 0]), CodecErrorCode.MALFORMED],
    ['a truncated message', valid.subarray(0, valid.length - 1), CodecErrorCode.MALFORMED],
    ['a non-minimal integer', withBytes('87 01 02 1801 00', afterHeader), CodecErrorCode.NON_CANONICAL],
    [
      'a float where an integer belongs',
      withBytes('87 01 02 f93c00 00', afterHeader),
      CodecErrorCode.NON_CANONICAL,
    ],
    [
      'an indefinite-length array',
      Uint8Array.from([0x9f, ...valid.subarray(1), 0xff]),
      CodecErrorCode.MALFORMED,
    ],
    ['a tag', Uint8Array.from([0xc1, ...valid]), CodecErrorCode.MALFORMED],
    ['a map', hex('a1 01 02'), CodecErrorCode.MALFORMED],
    [
      'an integer beyond 2^53',
      withBytes('87 01 02 1b0020000000000000 00', afterHeader),
      CodecErrorCode.MALFORMED,
    ],
    ['an unknown version', withBytes('87 02 02 01 00', afterHeader), CodecErrorCode.UNSUPPORTED_VERSION],
    ['an unknown kind', withBytes('87 01 09 01 00', afterHeader), CodecErrorCode.SCHEMA],
    [
      'a 31-byte hash',
      hex(`87 01 02 01 00 581f ${'11'.repeat(31)} 62 7631 5820 ${'22'.repeat(32)}`),
      CodecErrorCode.SCHEMA,
    ],
    [
      'invalid UTF-8 in an id',
      hex(`87 01 02 01 00 5820 ${'11'.repeat(32)} 62 ff31 5820 ${'22'.repeat(32)}`),
      CodecErrorCode.NON_CANONICAL,
    ],
    ['an empty signature', hex(`87 01 02 01 00 5820 ${'11'.repeat(32)} 62 7631 40`), CodecErrorCode.SCHEMA],
    [
      'an extra field',
      hex(`88 01 02 01 00 5820 ${'11'.repeat(32)} 62 7631 5820 ${'22'.repeat(32)} 00`),
      CodecErrorCode.SCHEMA,
    ],
    [
      'a proposal whose polRound is not below its round',
      hex(`88 01 01 01 00 5820 ${'11'.repeat(32)} 00 62 7631 41 00`),
      CodecErrorCode.SCHEMA,
    ],
  ])('%s', (_, bytes, code) => expectCode(() => decodeMessage(bytes), code));

  it('certificates with unordered, repeated or no signers', () => {
    const entry = (id: string) => `82 61 ${Buffer.from(id).toString('hex')} 41 00`;
    const cert = (entries: string[]) =>
      hex(
        `86 01 04 01 00 5820 ${'11'.repeat(32)} ${(0x80 + entries.length).toString(16)} ${entries.join(' ')}`,
      );
    expect(decodeCertificate(cert([entry('a'), entry('b')])).precommits).toHaveLength(2);
    expectCode(() => decodeCertificate(cert([entry('b'), entry('a')])), CodecErrorCode.SCHEMA);
    expectCode(() => decodeCertificate(cert([entry('a'), entry('a')])), CodecErrorCode.SCHEMA);
    expectCode(() => decodeCertificate(cert([])), CodecErrorCode.SCHEMA);
  });

  it('encoding a string that is not well-formed Unicode', () => {
    expectCode(
      () => encodeMessage({ kind: 'vote', vote: { ...vector, validator: 'a\uD800' } }),
      CodecErrorCode.SCHEMA,
    );
  });

  it('arbitrary bytes: only CodecErrors, and whatever decodes is canonical', () => {
    const mutated = fc.tuple(voteArb, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([vote, at, byte]) => {
      const bytes = encodeMessage({ kind: 'vote', vote });
      bytes[at % bytes.length] = byte;
      return bytes;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        let decoded: SignedMessage;
        try {
          decoded = decodeMessage(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CodecError);
          return;
        }
        expect(toHex(encodeMessage(decoded))).toBe(toHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
