import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_ORDER, fieldElementBytes } from '../../src/mpc/field.ts';
import {
  decodeMpcMessage,
  encodeMpcMessage,
  isMpcError,
  MAX_MESSAGE_BYTES,
  MAX_PAYLOAD_ELEMENTS,
  MPC_STEPS,
  type MpcMessage,
  type MpcStepName,
} from '../../src/mpc/index.ts';

const steps = Object.keys(MPC_STEPS) as MpcStepName[];
const message: fc.Arbitrary<MpcMessage> = fc.record({
  sessionTag: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  round: fc.integer({ min: 1, max: 0xffff }),
  step: fc.constantFrom(...steps),
  sender: fc.integer({ min: 0, max: 254 }),
  receiver: fc.integer({ min: 0, max: 254 }),
  payload: fc.array(fc.bigInt({ min: 0n, max: FIELD_ORDER - 1n }), { maxLength: 40 }),
});

function expectMalformed(bytes: Uint8Array, reason: RegExp): void {
  try {
    decodeMpcMessage(bytes);
  } catch (err) {
    expect(isMpcError(err, 'MPC_MALFORMED_MESSAGE')).toBe(true);
    expect(String((err as { context: { reason?: string } }).context.reason)).toMatch(reason);
    return;
  }
  throw new Error('decoded a malformed message');
}

describe('canonical MPC message encoding', () => {
  it('encode → decode is the identity and the encoding is canonical (property)', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeMpcMessage(m);
        expect(bytes.length).toBe(40 + 32 * m.payload.length);
        const back = decodeMpcMessage(bytes);
        expect(back).toEqual(m);
        expect(encodeMpcMessage(back)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('lays out the header as documented and carries each element as its 32-byte encoding', () => {
    const bytes = encodeMpcMessage({
      sessionTag: new Uint8Array(32).fill(0xaa),
      round: 0x0102,
      step: 'multiply',
      sender: 3,
      receiver: 4,
      payload: [5n, FIELD_ORDER - 1n],
    });
    expect([...bytes.subarray(0, 2)]).toEqual([1, 0xaa]);
    expect([...bytes.subarray(33, 40)]).toEqual([1, 2, MPC_STEPS.multiply, 3, 4, 0, 2]);
    expect(bytes.subarray(40, 72)).toEqual(fieldElementBytes(5n));
    expect(bytes.subarray(72, 104)).toEqual(fieldElementBytes(FIELD_ORDER - 1n));
  });

  it('any byte string either decodes to a message that re-encodes to it, or is MPC_MALFORMED_MESSAGE (property)', () => {
    const valid = message.map((m) => encodeMpcMessage(m));
    const mutated = fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([bytes, pos, value]) => {
      const copy = bytes.slice();
      copy[pos % copy.length] = value;
      return copy;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        let decoded: MpcMessage | undefined;
        try {
          decoded = decodeMpcMessage(bytes);
        } catch (err) {
          expect(isMpcError(err, 'MPC_MALFORMED_MESSAGE')).toBe(true);
          return;
        }
        expect(encodeMpcMessage(decoded)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects each kind of malformed message with a typed reason', () => {
    const good = encodeMpcMessage({
      sessionTag: new Uint8Array(32),
      round: 1,
      step: 'deal',
      sender: 0,
      receiver: 1,
      payload: [1n, 2n],
    });
    expectMalformed(good.subarray(0, 39), /too short/);
    expectMalformed(good.subarray(0, good.length - 1), /does not match/);
    expectMalformed(new Uint8Array([...good, 0]), /does not match/);
    const version = good.slice();
    version[0] = 2;
    expectMalformed(version, /version/);
    const round0 = good.slice();
    round0[33] = 0;
    round0[34] = 0;
    expectMalformed(round0, /round 0/);
    const step = good.slice();
    step[35] = 99;
    expectMalformed(step, /step/);
    const sender = good.slice();
    sender[36] = 255;
    expectMalformed(sender, /index/);
    const nonCanonical = good.slice();
    nonCanonical.set(fieldElementBytes(FIELD_ORDER - 1n), 40);
    nonCanonical[71] = nonCanonical[71]! + 1; // r itself: ≥ r is not canonical
    expectMalformed(nonCanonical, /canonical/);
    const count = good.slice();
    count[38] = 0xff;
    expectMalformed(count, /too many/);
    expectMalformed(new Uint8Array(MAX_MESSAGE_BYTES + 1), /too long/);
  });

  it('refuses to encode what it could not decode', () => {
    const base: MpcMessage = {
      sessionTag: new Uint8Array(32),
      round: 1,
      step: 'deal',
      sender: 0,
      receiver: 1,
      payload: [],
    };
    expect(() => encodeMpcMessage({ ...base, round: 0 })).toThrow(RangeError);
    expect(() => encodeMpcMessage({ ...base, sender: 255 })).toThrow(RangeError);
    expect(() => encodeMpcMessage({ ...base, payload: [FIELD_ORDER] })).toThrow(RangeError);
    expect(() =>
      encodeMpcMessage({ ...base, payload: new Array(MAX_PAYLOAD_ELEMENTS + 1).fill(0n) }),
    ).toThrow(RangeError);
    expect(() => encodeMpcMessage({ ...base, sessionTag: new Uint8Array(31) })).toThrow(TypeError);
  });
});
