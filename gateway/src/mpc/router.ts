/**
 * One party's message routing for a session: encodes and sends, decodes and checks incoming messages
 * (session tag, authenticated sender, receiver, round, duplicates), buffers early ones (the transport may
 * reorder), waits for a round's expected messages with a timeout, records everything in the transcript,
 * and turns ABORT messages, dropped peers and silence into typed errors.
 */
import { MpcError, type MpcErrorCode, malformed, mpcErrorCodeAt, mpcErrorCodeIndex } from './errors.ts';
import { decodeMpcMessage, encodeMpcMessage, type MpcMessage, type MpcStepName } from './messages.ts';
import type { SessionTranscript } from './transcript.ts';
import type { MpcTransport, PartyId } from './transport.ts';

/** What a party waits for in a round: `length` field elements of `step` from participant `from`. */
export interface Expectation {
  from: number;
  step: MpcStepName;
  length: number;
}

/** Options of a {@link MessageRouter}. */
export interface RouterInit {
  transport: MpcTransport;
  participants: readonly PartyId[];
  self: number;
  sessionTag: Uint8Array;
  /** Last round of the schedule: messages for later rounds are malformed. */
  maxRound: number;
  /** How long one wait may take before the session fails with MPC_TIMEOUT. */
  timeoutMs: number;
  transcript: SessionTranscript;
}

/** Traffic of one party in one session. */
export interface SessionTraffic {
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
}

interface Waiter {
  round: number;
  expected: Expectation[];
  byKey: Map<string, Expectation>;
  resolve: () => void;
  reject: (err: MpcError) => void;
}

const key = (round: number, step: MpcStepName, from: number): string => `${round}/${step}/${from}`;

/** Routes one party's messages in one session. */
export class MessageRouter {
  readonly traffic: SessionTraffic = { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 };
  private readonly init: RouterInit;
  private readonly buffered = new Map<string, MpcMessage>();
  private readonly down = new Set<number>();
  private readonly unsubscribe: Array<() => void> = [];
  private sealedRound = 0;
  private currentRound = 1;
  private failure: MpcError | undefined;
  private waiter: Waiter | undefined;
  private closed = false;

  /** Subscribes to the transport at once, so no message sent after this call is missed. */
  constructor(init: RouterInit) {
    this.init = init;
    this.unsubscribe.push(init.transport.onMessage((from, bytes) => this.onMessage(from, bytes)));
    const off = init.transport.onPeerDown?.((peer) => this.onPeerDown(peer));
    if (off) this.unsubscribe.push(off);
  }

  /** Encodes, records and sends one message; a failed send marks the peer as dropped. */
  send(round: number, step: MpcStepName, to: number, payload: bigint[]): void {
    const { participants, self, sessionTag, transport, transcript } = this.init;
    const bytes = encodeMpcMessage({ sessionTag, round, step, sender: self, receiver: to, payload });
    transcript.record(bytes);
    this.traffic.messagesSent++;
    this.traffic.bytesSent += bytes.length;
    const peer = participants[to]!;
    try {
      const sent = transport.send(peer, bytes);
      if (sent instanceof Promise) sent.catch(() => this.onPeerDown(peer));
    } catch {
      this.onPeerDown(peer);
    }
  }

  /**
   * Waits for every expected message of `round` (at most `timeoutMs`, default the session's), then seals
   * the round in the transcript.
   * @returns payloads by `${step}/${from}` lookups through {@link RoundMessages}.
   * @throws {MpcError} MPC_TIMEOUT, MPC_PARTY_DROPPED, MPC_MALFORMED_MESSAGE or a peer's ABORT.
   */
  async receive(
    round: number,
    expected: Expectation[],
    timeoutMs = this.init.timeoutMs,
  ): Promise<RoundMessages> {
    this.currentRound = round;
    if (this.failure) throw this.failure;
    if (!this.complete(round, expected)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const missing = expected.filter((e) => !this.buffered.has(key(round, e.step, e.from)));
          const names = missing.map((e) => this.init.participants[e.from]!);
          this.fail(
            new MpcError('MPC_TIMEOUT', `round ${round}: no message from ${names.join(', ')}`, {
              party: names[0],
              missing: names,
              round,
              step: missing[0]?.step,
            }),
          );
        }, timeoutMs);
        this.waiter = {
          round,
          expected,
          byKey: new Map(expected.map((e) => [key(round, e.step, e.from), e])),
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        // Messages that arrived early for this round can be judged now.
        for (const m of this.buffered.values()) if (m.round === round) this.checkExpected(m);
        this.checkDropped();
      });
    }
    this.waiter = undefined;
    return this.take(round, expected);
  }

  /** Fails the session locally: the pending and every later wait throw `err`. */
  fail(err: MpcError): void {
    if (this.failure) return;
    this.failure = err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err);
  }

  /** Tells every other participant that this party aborts with `err` (best effort), then closes. */
  abort(err: MpcError): void {
    if (this.closed) return;
    this.fail(err);
    if (err.context.reportedBy === undefined) {
      const blamed = err.context.party === undefined ? -1 : this.init.participants.indexOf(err.context.party);
      const payload = [BigInt(mpcErrorCodeIndex(err.code)), BigInt(blamed + 1)];
      this.init.participants.forEach((_, i) => {
        if (i !== this.init.self) this.send(this.currentRound, 'abort', i, payload);
      });
    }
    this.close();
  }

  /** Stops listening; later messages are ignored. */
  close(): void {
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private onMessage(from: PartyId, bytes: Uint8Array): void {
    if (this.closed || this.failure) return;
    const sender = this.init.participants.indexOf(from);
    // Not a participant of this session: it cannot be blamed or answered, so it is ignored.
    if (sender < 0) return;
    this.traffic.messagesReceived++;
    this.traffic.bytesReceived += bytes instanceof Uint8Array ? bytes.length : 0;
    try {
      this.accept(sender, bytes);
    } catch (err) {
      const context = { party: from, round: this.currentRound };
      this.fail(
        err instanceof MpcError
          ? new MpcError(err.code, `from ${from}: ${err.message}`, { ...err.context, ...context })
          : malformed(err instanceof Error ? err.message : String(err), context),
      );
    }
  }

  private accept(sender: number, bytes: Uint8Array): void {
    const message = decodeMpcMessage(bytes);
    const { sessionTag, self, participants, maxRound, transcript } = this.init;
    if (!sameBytes(message.sessionTag, sessionTag)) throw malformed('session tag mismatch');
    if (message.sender !== sender) throw malformed(`claims sender ${message.sender}, sent by ${sender}`);
    if (message.receiver !== self) throw malformed(`addressed to participant ${message.receiver}`);
    if (message.step === 'abort') {
      if (message.payload.length !== 2) throw malformed('abort payload must have 2 elements');
      const [codeIndex, blamedPlusOne] = message.payload as [bigint, bigint];
      const code: MpcErrorCode = mpcErrorCodeAt(codeIndex < 256n ? Number(codeIndex) : -1);
      const party =
        blamedPlusOne >= 1n && blamedPlusOne <= BigInt(participants.length)
          ? participants[Number(blamedPlusOne) - 1]
          : undefined;
      transcript.record(bytes);
      const by = participants[sender]!;
      this.fail(
        new MpcError(code, `${by} aborted the session (${code}${party ? `, blaming ${party}` : ''})`, {
          ...(party === undefined ? {} : { party }),
          reportedBy: by,
          round: message.round,
        }),
      );
      return;
    }
    if (message.round > maxRound) throw malformed(`round ${message.round} is past the schedule`);
    if (message.round <= this.sealedRound) throw malformed(`unexpected ${message.step} for closed round`);
    const k = key(message.round, message.step, sender);
    if (this.buffered.has(k)) throw malformed(`duplicate ${message.step} in round ${message.round}`);
    this.buffered.set(k, message);
    transcript.record(bytes);
    const w = this.waiter;
    if (w && message.round === w.round) {
      this.checkExpected(message);
      if (!this.failure && this.complete(w.round, w.expected)) w.resolve();
    }
  }

  // A message of the round being waited for must be one of the expected ones, with the expected length:
  // fail at once rather than wait for a timeout.
  private checkExpected(message: MpcMessage): void {
    const w = this.waiter;
    if (!w) return;
    const e = w.byKey.get(key(message.round, message.step, message.sender));
    if (!e) this.blame(message.sender, message.round, `unexpected ${message.step} message`);
    else if (message.payload.length !== e.length) {
      this.blame(
        message.sender,
        message.round,
        `${e.step} carries ${message.payload.length} elements, expected ${e.length}`,
      );
    }
  }

  private onPeerDown(peer: PartyId): void {
    const index = this.init.participants.indexOf(peer);
    if (index < 0 || this.closed) return;
    this.down.add(index);
    this.checkDropped();
  }

  private checkDropped(): void {
    const w = this.waiter;
    if (!w) return;
    const gone = w.expected.find(
      (e) => this.down.has(e.from) && !this.buffered.has(key(w.round, e.step, e.from)),
    );
    if (!gone) return;
    const party = this.init.participants[gone.from]!;
    this.fail(
      new MpcError('MPC_PARTY_DROPPED', `round ${w.round}: ${party} dropped out`, {
        party,
        round: w.round,
        step: gone.step,
      }),
    );
  }

  private complete(round: number, expected: Expectation[]): boolean {
    return expected.every((e) => this.buffered.has(key(round, e.step, e.from)));
  }

  private take(round: number, expected: Expectation[]): RoundMessages {
    const wanted = new Set(expected.map((e) => key(round, e.step, e.from)));
    for (const [k, m] of this.buffered) {
      if (m.round === round && !wanted.has(k)) {
        throw this.blame(m.sender, round, `unexpected ${m.step} message`);
      }
    }
    const out = new Map<string, bigint[]>();
    for (const e of expected) {
      const k = key(round, e.step, e.from);
      const m = this.buffered.get(k)!;
      this.buffered.delete(k);
      if (m.payload.length !== e.length) {
        throw this.blame(
          e.from,
          round,
          `${e.step} carries ${m.payload.length} elements, expected ${e.length}`,
        );
      }
      out.set(`${e.step}/${e.from}`, m.payload);
    }
    this.sealedRound = round;
    this.init.transcript.sealRound(round);
    return new RoundMessages(out);
  }

  private blame(sender: number, round: number, reason: string): MpcError {
    const err = malformed(reason, { party: this.init.participants[sender]!, round });
    this.fail(err);
    return err;
  }
}

/** The payloads received in one round. */
export class RoundMessages {
  constructor(private readonly payloads: Map<string, bigint[]>) {}
  /** The payload of `step` from participant `from` (it was expected, so it is there). */
  get(step: MpcStepName, from: number): bigint[] {
    const p = this.payloads.get(`${step}/${from}`);
    if (!p) throw new RangeError(`no ${step} message from participant ${from} was expected`);
    return p;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
