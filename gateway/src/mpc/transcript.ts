/**
 * A party's transcript of a session: a running SM3 (GB/T 32905) hash of every message it sent and every
 * well-formed message it accepted, absorbed round by round in canonical order (round, step, sender,
 * receiver), so arrival order does not change it. The gateway signs the final digest (SM2) and anchors it
 * on the ledger; a party's transcript covers its own view, so the parties' digests differ.
 */
import { Sm3 } from '@privgate/accel';
import { MESSAGE_HEADER_BYTES } from './messages.ts';

const DOMAIN = new TextEncoder().encode('privgate/mpc/transcript/v1');

// Header bytes 33..37 are round (u16), step, sender, receiver: comparing them orders canonically.
const ORDER_START = 33;
const ORDER_END = 38;

function compareCanonical(a: Uint8Array, b: Uint8Array): number {
  for (let i = ORDER_START; i < ORDER_END; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** The running transcript hash of one party's session. */
export class SessionTranscript {
  private readonly hash = new Sm3();
  private pending: Uint8Array[] = [];
  private absorbed = 0;

  /** Starts the transcript of the session with tag `sessionTag`. */
  constructor(sessionTag: Uint8Array) {
    this.hash.update(DOMAIN).update(sessionTag);
  }

  /**
   * Records an encoded message sent or accepted by this party; it is hashed when its round is sealed.
   * @throws {RangeError} for bytes too short to be a message.
   */
  record(encoded: Uint8Array): void {
    if (encoded.length < MESSAGE_HEADER_BYTES) throw new RangeError('not an encoded MPC message');
    this.pending.push(encoded);
  }

  /** Absorbs every recorded message of rounds ≤ `round`, in canonical order. */
  sealRound(round: number): void {
    const roundOf = (m: Uint8Array): number => (m[33]! << 8) | m[34]!;
    const ready = this.pending.filter((m) => roundOf(m) <= round).sort(compareCanonical);
    this.pending = this.pending.filter((m) => roundOf(m) > round);
    for (const m of ready) this.absorb(this.hash, m);
  }

  /** Messages absorbed so far plus those waiting for their round to be sealed. */
  get messageCount(): number {
    return this.absorbed + this.pending.length;
  }

  /**
   * The digest of everything recorded so far (pending messages included, in canonical order); the
   * transcript keeps running.
   */
  digest(): Uint8Array {
    const h = this.hash.clone();
    for (const m of [...this.pending].sort(compareCanonical)) this.absorbEntry(h, m);
    h.update(u32(this.messageCount));
    return h.digest();
  }

  private absorb(h: Sm3, m: Uint8Array): void {
    this.absorbEntry(h, m);
    this.absorbed++;
  }

  private absorbEntry(h: Sm3, m: Uint8Array): void {
    h.update(u32(m.length)).update(m);
  }
}

function u32(value: number): Uint8Array {
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}
