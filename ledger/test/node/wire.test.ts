// The validators' wire codec: every message type round-trips (fast-check), and anything else — wrong
// version, unknown type, oversized fields, non-canonical bytes — is WIRE_MALFORMED.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/codec/canonical.ts';
import { decodeWire, encodeWire, MAX_SYNC_BLOCKS, type WireMessage } from '../../src/node/wire.ts';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const message: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.record({
    type: fc.constant('consensus' as const),
    message: bytes(1, 300),
    block: fc.option(bytes(1, 2000), { nil: null }),
  }),
  fc.record({ type: fc.constant('certificate' as const), certificate: bytes(1, 500) }),
  fc.record({ type: fc.constant('txs' as const), txs: fc.array(bytes(1, 300), { maxLength: 20 }) }),
  fc.record({
    type: fc.constant('status' as const),
    committed: fc.integer({ min: -1, max: 1e9 }),
    height: fc.nat(1e9),
    round: fc.nat(1000),
    held: fc.nat(1000),
  }),
  fc.record({ type: fc.constant('block-request' as const), hash: bytes(32, 32) }),
  fc.record({ type: fc.constant('block' as const), block: bytes(1, 2000) }),
  fc.record({
    type: fc.constant('sync-request' as const),
    from: fc.nat(1e9),
    max: fc.integer({ min: 1, max: MAX_SYNC_BLOCKS }),
  }),
  fc.record({
    type: fc.constant('sync-response' as const),
    entries: fc.array(fc.record({ block: bytes(1, 500), certificate: bytes(1, 200) }), { maxLength: 5 }),
  }),
);

describe('node wire codec', () => {
  it('round-trips every message type', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeWire(encodeWire(m))).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses anything else as WIRE_MALFORMED', () => {
    const bad = [
      encodeCanonical([2, 4, 0, 0, 0, 0]), // version
      encodeCanonical([1, 99, 0]), // type
      encodeCanonical([1, 5, new Uint8Array(31)]), // hash length
      encodeCanonical([1, 7, 1, MAX_SYNC_BLOCKS + 1]), // sync size
      encodeCanonical([1, 3, [new Uint8Array(0)]]), // empty tx
      encodeCanonical([1, 4, 0, 0, 0]), // arity
      Uint8Array.of(0x82, 0x01, 0x18, 0x04), // non-canonical integer
      Uint8Array.of(0xff),
      new Uint8Array(0),
    ];
    for (const b of bad)
      expect(() => decodeWire(b)).toThrow(expect.objectContaining({ code: 'WIRE_MALFORMED' }));
  });
});
