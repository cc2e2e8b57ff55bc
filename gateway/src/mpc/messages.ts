/**
 * Canonical encoding of MPC protocol messages. One message = one (round, step, sender, receiver) with a
 * vector of field elements; every byte string decodes to at most one message and every message has exactly
 * one encoding, so transcripts hash the same bytes at both ends.
 *
 * Layout (big-endian), 40-byte header then the payload:
 *   0      version (1)
 *   1..32  session tag: SM3 of the session id, participants and program (binds a message to its session)
 *   33..34 round (u16, ≥ 1)
 *   35     step (u8, see MPC_STEPS)
 *   36     sender (u8, index in the session's participant list)
 *   37     receiver (u8, same list)
 *   38..39 number of payload elements k (u16, ≤ MAX_PAYLOAD_ELEMENTS)
 *   40..   k field elements, 32 bytes each, each < r (non-canonical encodings are rejected)
 */
import { malformed } from './errors.ts';
import { FIELD_BYTES, FIELD_ORDER, readFieldElement, writeFieldElement } from './field.ts';

/** Wire format version. */
export const MESSAGE_VERSION = 1;
/** Header length in bytes. */
export const MESSAGE_HEADER_BYTES = 40;
/** Bytes of the session tag. */
export const SESSION_TAG_BYTES = 32;
/** Most field elements one message may carry. */
export const MAX_PAYLOAD_ELEMENTS = 4096;
/** Largest valid message. */
export const MAX_MESSAGE_BYTES = MESSAGE_HEADER_BYTES + MAX_PAYLOAD_ELEMENTS * FIELD_BYTES;
/** Largest round number. */
export const MAX_ROUND = 0xffff;
/** Most participants a session may name (sender/receiver are one byte). */
export const MAX_PARTICIPANTS = 255;

/** Protocol steps with their wire codes. */
export const MPC_STEPS = {
  /** Input shares, blindings and share commitments from a data holder. */
  input: 1,
  /** Shares of random values dealt by a compute party (masks, squaring-trick candidates, Mod2m mask). */
  deal: 2,
  /** Degree-2t shares of a² (plus a zero sharing) broadcast to open the squares. */
  'open-squares': 3,
  /** Shares of the Mod2m-masked value c = z + r broadcast to open c. */
  'open-masked': 4,
  /** Degree-t reshares of local products (Gennaro–Rabin–Rabin degree reduction). */
  multiply: 5,
  /** Masked shares of the result, to the output party only. */
  output: 6,
  /** A party gives up: payload [error code index, blamed participant index + 1 or 0]. */
  abort: 7,
  /** The output party confirms it reconstructed the result (empty payload): the session completed. */
  done: 8,
} as const;

/** Name of a protocol step. */
export type MpcStepName = keyof typeof MPC_STEPS;

const STEP_BY_CODE = new Map<number, MpcStepName>(
  (Object.entries(MPC_STEPS) as Array<[MpcStepName, number]>).map(([name, code]) => [code, name]),
);

/** A decoded protocol message. */
export interface MpcMessage {
  sessionTag: Uint8Array;
  round: number;
  step: MpcStepName;
  sender: number;
  receiver: number;
  payload: bigint[];
}

/**
 * Encodes a message canonically.
 * @throws {RangeError} for an out-of-range header field, too many elements or a non-canonical element.
 * @throws {TypeError} for a session tag that is not 32 bytes.
 */
export function encodeMpcMessage(message: MpcMessage): Uint8Array {
  const { sessionTag, round, step, sender, receiver, payload } = message;
  if (!(sessionTag instanceof Uint8Array) || sessionTag.length !== SESSION_TAG_BYTES) {
    throw new TypeError('sessionTag must be 32 bytes');
  }
  if (!Number.isInteger(round) || round < 1 || round > MAX_ROUND) throw new RangeError('round out of range');
  const stepCode = MPC_STEPS[step];
  if (stepCode === undefined) throw new RangeError(`unknown step ${String(step)}`);
  checkIndex(sender, 'sender');
  checkIndex(receiver, 'receiver');
  if (payload.length > MAX_PAYLOAD_ELEMENTS) throw new RangeError('payload has too many elements');
  const out = new Uint8Array(MESSAGE_HEADER_BYTES + payload.length * FIELD_BYTES);
  out[0] = MESSAGE_VERSION;
  out.set(sessionTag, 1);
  out[33] = round >>> 8;
  out[34] = round & 0xff;
  out[35] = stepCode;
  out[36] = sender;
  out[37] = receiver;
  out[38] = payload.length >>> 8;
  out[39] = payload.length & 0xff;
  payload.forEach((element, i) => {
    if (typeof element !== 'bigint' || element < 0n || element >= FIELD_ORDER) {
      throw new RangeError(`payload[${i}] is not a canonical field element`);
    }
    writeFieldElement(out, MESSAGE_HEADER_BYTES + i * FIELD_BYTES, element);
  });
  return out;
}

/**
 * Decodes and validates a message's structure (not its meaning in the protocol: the session checks the
 * tag, round, sender and payload length against what it expects).
 * @throws {MpcError} `MPC_MALFORMED_MESSAGE` with the reason, for anything that is not a canonical message.
 */
export function decodeMpcMessage(bytes: Uint8Array): MpcMessage {
  if (!(bytes instanceof Uint8Array)) throw malformed('not a byte array');
  if (bytes.length < MESSAGE_HEADER_BYTES) throw malformed(`too short (${bytes.length} bytes)`);
  if (bytes.length > MAX_MESSAGE_BYTES) throw malformed(`too long (${bytes.length} bytes)`);
  if (bytes[0] !== MESSAGE_VERSION) throw malformed(`unknown version ${bytes[0]}`);
  const round = (bytes[33]! << 8) | bytes[34]!;
  if (round < 1) throw malformed('round 0');
  const step = STEP_BY_CODE.get(bytes[35]!);
  if (step === undefined) throw malformed(`unknown step code ${bytes[35]}`);
  const sender = bytes[36]!;
  const receiver = bytes[37]!;
  if (sender >= MAX_PARTICIPANTS || receiver >= MAX_PARTICIPANTS) throw malformed('party index out of range');
  const count = (bytes[38]! << 8) | bytes[39]!;
  if (count > MAX_PAYLOAD_ELEMENTS) throw malformed(`too many elements (${count})`);
  if (bytes.length !== MESSAGE_HEADER_BYTES + count * FIELD_BYTES) {
    throw malformed(`length ${bytes.length} does not match ${count} elements`);
  }
  const payload = new Array<bigint>(count);
  for (let i = 0; i < count; i++) {
    const element = readFieldElement(bytes, MESSAGE_HEADER_BYTES + i * FIELD_BYTES);
    if (element >= FIELD_ORDER) throw malformed(`payload[${i}] is not a canonical field element`);
    payload[i] = element;
  }
  return { sessionTag: bytes.slice(1, 33), round, step, sender, receiver, payload };
}

function checkIndex(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= MAX_PARTICIPANTS) {
    throw new RangeError(`${name} must be an integer in [0, ${MAX_PARTICIPANTS - 1}]`);
  }
}
