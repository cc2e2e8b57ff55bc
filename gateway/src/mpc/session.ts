/**
 * One party's run of a query program (see PROTOCOL.md): input sharing with share commitments, local
 * (weighted) sum, optional comparison with a public threshold, and opening to the output party only.
 * Every party of the session — compute party, data holder, output party, or several at once — calls
 * {@link runMpcSession} with the same session id, compute parties and program.
 */
import { isMpcError, MpcError } from './errors.ts';
import { fadd, fmul } from './field.ts';
import {
  checkPreparedInput,
  type PreparedInput,
  poseidonShareCommitment,
  prepareInputSharing,
  type ShareCommitment,
} from './input-sharing.ts';
import {
  type MpcProgram,
  type ProgramSchedule,
  programSchedule,
  programWeights,
  sessionParticipants,
  sessionTag,
  VALUE_BITS,
} from './program.ts';
import { compareWithThreshold } from './protocols/compare.ts';
import { createComputeContext } from './protocols/context.ts';
import { combineDealings, dealLength, dealRandomness } from './protocols/deal.ts';
import { type MpcRandomness, systemRandomness } from './randomness.ts';
import { type Expectation, MessageRouter, type RoundMessages, type SessionTraffic } from './router.ts';
import { ShareOpener, thresholdFor } from './shamir.ts';
import { SessionTranscript } from './transcript.ts';
import type { MpcTransport, PartyId } from './transport.ts';

/** Default time one wait for a round's messages may take. */
export const DEFAULT_ROUND_TIMEOUT_MS = 30_000;

/** What a session is about; identical at every party except `self` and `inputs`. */
export interface MpcSessionInit {
  /** Unique id of the query (e.g. the request id); part of every message's session tag. */
  sessionId: string;
  /** This party. */
  self: PartyId;
  /** The compute parties, in the order that fixes their evaluation points x_i = i + 1. */
  computeParties: readonly PartyId[];
  program: MpcProgram;
  /** This party's private inputs, by input id: a value in [0, 2^64) or a sharing prepared for a proof. */
  inputs?: Readonly<Record<string, bigint | PreparedInput>>;
  /** Longest wait for one round's messages (default {@link DEFAULT_ROUND_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** Public data of an input, handed to {@link MpcSessionComponents.inputBinding}. */
export interface InputBinding {
  inputId: string;
  holder: PartyId;
  /** Poseidon(share_i, blinding_i) for every compute party i: ShareBinding's public signals. */
  shareCommitments: readonly bigint[];
}

/** Collaborators of a session. */
export interface MpcSessionComponents {
  transport: MpcTransport;
  /** Defaults to the platform CSPRNG; inject a seeded source in tests only. */
  randomness?: MpcRandomness;
  /** Share commitment; defaults to Poseidon(share, blinding) from @privgate/circuits. */
  commitment?: ShareCommitment;
  /**
   * Called by each compute party for every input from another holder before its share is used: the
   * gateway checks the holder's RecordInclusion + ShareBinding proofs against these commitments. A false
   * answer aborts with MPC_INCONSISTENT_SHARE naming the holder.
   */
  inputBinding?: (binding: InputBinding) => boolean | Promise<boolean>;
}

/** What the output party learns. */
export type MpcOutput =
  | { kind: 'aggregate'; value: bigint }
  | { kind: 'verdict'; value: boolean; threshold: bigint };

/** The outcome of a session at one party. */
export interface MpcSessionResult {
  /** Only at the output party. */
  output?: MpcOutput;
  roles: { compute: boolean; holder: boolean; output: boolean };
  /** This party's transcript: SM3 digest over every message it sent and accepted, canonical order. */
  transcript: { digest: Uint8Array; messages: number };
  /** At compute parties: the share commitments of every input (for proof checks and anchoring). */
  inputCommitments: Record<string, bigint[]>;
  traffic: SessionTraffic;
  /** Rounds of the schedule, confirmation included (the same at every party). */
  rounds: number;
}

interface Setup {
  init: MpcSessionInit;
  components: MpcSessionComponents;
  schedule: ProgramSchedule;
  participants: PartyId[];
  self: number;
  n: number;
  t: number;
  rng: MpcRandomness;
  held: number[];
  router: MessageRouter;
}

/**
 * Runs this party's part of a session and resolves when it is done: at the output party with the
 * output; at the others once their last message is sent. No party obtains a result if the session fails.
 * @throws {TypeError|RangeError} for an invalid program, party list or input, before anything is sent.
 * @throws {MpcError} `MPC_TIMEOUT`, `MPC_PARTY_DROPPED`, `MPC_INCONSISTENT_SHARE`, `MPC_MALFORMED_MESSAGE`
 * or `MPC_PROTOCOL_ABORT`, at this party or re-created from a peer's ABORT (`context.reportedBy`).
 * @example
 * const program = queryProgram().input('a', 'gw-1').input('b', 'gw-2').sum().compare(100n).output('gw-3');
 * const result = await runMpcSession(
 *   { sessionId: 'q-42', self: 'gw-1', computeParties: ['gw-1', 'gw-2', 'gw-3'], program, inputs: { a: 60n } },
 *   { transport },
 * );
 */
export async function runMpcSession(
  init: MpcSessionInit,
  components: MpcSessionComponents,
): Promise<MpcSessionResult> {
  const schedule = programSchedule(init.program);
  const participants = sessionParticipants(init.computeParties, init.program);
  const self = participants.indexOf(init.self);
  if (self < 0) throw new RangeError(`${init.self} is not a participant of this program`);
  const timeoutMs = init.timeoutMs ?? DEFAULT_ROUND_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('timeoutMs must be positive');
  const held = init.program.inputs.flatMap((input, k) => (input.holder === init.self ? [k] : []));
  checkInputKeys(init, held);
  const tag = sessionTag(init.sessionId, participants, init.program);
  const transcript = new SessionTranscript(tag);
  // Subscribe before the first await so that no message of a faster peer is missed.
  const router = new MessageRouter({
    transport: components.transport,
    participants,
    self,
    sessionTag: tag,
    maxRound: schedule.rounds,
    timeoutMs,
    transcript,
  });
  const n = init.computeParties.length;
  const setup: Setup = {
    init,
    components,
    schedule,
    participants,
    self,
    n,
    t: thresholdFor(n),
    rng: components.randomness ?? systemRandomness,
    held,
    router,
  };
  try {
    const { output, inputCommitments } = await run(setup);
    router.close();
    return {
      ...(output === undefined ? {} : { output }),
      roles: { compute: self < n, holder: held.length > 0, output: init.program.output === init.self },
      transcript: { digest: transcript.digest(), messages: transcript.messageCount },
      inputCommitments,
      traffic: { ...router.traffic },
      rounds: schedule.rounds,
    };
  } catch (err) {
    const failure = isMpcError(err)
      ? err
      : new MpcError(
          'MPC_PROTOCOL_ABORT',
          `session failed: ${err instanceof Error ? err.message : String(err)}`,
          {
            reason: err instanceof Error ? err.message : String(err),
          },
        );
    router.abort(failure);
    throw failure;
  }
}

async function run(s: Setup): Promise<{ output?: MpcOutput; inputCommitments: Record<string, bigint[]> }> {
  const { init, n, self, router, schedule } = s;
  const isCompute = self < n;
  const isOutput = init.program.output === init.self;
  const needsCommitment =
    s.held.length > 0 || (isCompute && init.program.inputs.some((i) => i.holder !== init.self));
  const commit = needsCommitment ? (s.components.commitment ?? (await poseidonShareCommitment())) : undefined;

  // Round 1: input shares from holders, dealt randomness between compute parties.
  const prepared = s.held.map((k) => prepareHeld(s, k, commit!));
  if (prepared.length > 0) {
    for (let j = 0; j < n; j++) {
      if (j === self) continue;
      const payload = prepared.flatMap((p) => [
        p.sharing.shares[j]!,
        p.shareBlindings[j]!,
        ...p.shareCommitments,
      ]);
      router.send(1, 'input', j, payload);
    }
  }
  const compareBits = schedule.compareBits;
  const dealing = isCompute ? dealRandomness(n, s.t, compareBits, s.rng) : undefined;
  for (let j = 0; dealing && j < n; j++) if (j !== self) router.send(1, 'deal', j, dealing[j]!);
  const round1 = await router.receive(1, isCompute ? roundOneExpectations(s) : []);
  if (!isCompute) {
    if (!isOutput) {
      await awaitConfirmation(s);
      return { inputCommitments: {} };
    }
    return { output: await receiveOutput(s, undefined), inputCommitments: {} };
  }

  const { shares, commitments } = await acceptInputs(s, round1, prepared, commit!);
  const dealt = combineDealings(
    Array.from({ length: n }, (_, j) => (j === self ? dealing![self]! : round1.get('deal', j))),
    compareBits,
  );
  const weights = programWeights(init.program);
  let result = shares.reduce((acc, share, k) => fadd(acc, fmul(weights[k]!, share)), 0n);
  if (init.program.compare && compareBits !== undefined) {
    const ctx = createComputeContext({
      n,
      t: s.t,
      self,
      rng: s.rng,
      firstRound: 2,
      names: s.participants,
      exchange: (round, step, payloadFor) => exchangeAll(s, round, step, payloadFor),
    });
    result = await compareWithThreshold(
      ctx,
      result,
      init.program.compare.threshold,
      compareBits,
      dealt.compare!,
    );
    if (ctx.round !== schedule.outputRound) throw new Error(`schedule mismatch at round ${ctx.round}`);
  }
  const masked = fadd(result, dealt.outputMask);
  if (isOutput) return { output: await receiveOutput(s, masked), inputCommitments: commitments };
  router.send(schedule.outputRound, 'output', s.participants.indexOf(init.program.output), [masked]);
  await router.receive(schedule.outputRound, []);
  await awaitConfirmation(s);
  return { inputCommitments: commitments };
}

// Every party but the output party returns only once the output party confirms, so that no honest
// party reports a completed session that another party aborted.
async function awaitConfirmation(s: Setup): Promise<void> {
  const from = s.participants.indexOf(s.init.program.output);
  // Wait longer than the output party waits for its shares, so that its diagnosis (ABORT naming the
  // silent party) arrives before this wait gives up; a party outside the computation waits through every
  // round at once.
  const perRound = s.init.timeoutMs ?? DEFAULT_ROUND_TIMEOUT_MS;
  const timeout = perRound * (s.self < s.n ? 2 : s.schedule.rounds + 1);
  await s.router.receive(s.schedule.rounds, [{ from, step: 'done', length: 0 }], timeout);
}

function roundOneExpectations(s: Setup): Expectation[] {
  const expected: Expectation[] = [];
  const perHolder = new Map<number, number>();
  for (const input of s.init.program.inputs) {
    const h = s.participants.indexOf(input.holder);
    if (h !== s.self) perHolder.set(h, (perHolder.get(h) ?? 0) + 1);
  }
  for (const [from, count] of perHolder) expected.push({ from, step: 'input', length: count * (s.n + 2) });
  const length = dealLength(s.schedule.compareBits);
  for (let j = 0; j < s.n; j++) if (j !== s.self) expected.push({ from: j, step: 'deal', length });
  return expected;
}

function prepareHeld(s: Setup, k: number, commit: ShareCommitment): PreparedInput {
  const id = s.init.program.inputs[k]!.id;
  const given = s.init.inputs![id]!;
  if (typeof given === 'bigint') return prepareInputSharing(given, s.n, commit, s.rng);
  checkPreparedInput(given, s.n, commit);
  return given;
}

// Checks each received share against the holder's commitment (and the gateway's proof check), in program
// order, and returns this party's shares of every input.
async function acceptInputs(
  s: Setup,
  round1: RoundMessages,
  prepared: readonly PreparedInput[],
  commit: ShareCommitment,
): Promise<{ shares: bigint[]; commitments: Record<string, bigint[]> }> {
  const shares: bigint[] = [];
  const commitments: Record<string, bigint[]> = {};
  const position = new Map<number, number>();
  let own = 0;
  for (const input of s.init.program.inputs) {
    const h = s.participants.indexOf(input.holder);
    if (h === s.self) {
      const p = prepared[own++]!;
      shares.push(p.sharing.shares[s.self]!);
      commitments[input.id] = [...p.shareCommitments];
      continue;
    }
    const offset = position.get(h) ?? 0;
    position.set(h, offset + s.n + 2);
    const payload = round1.get('input', h);
    const share = payload[offset]!;
    const blinding = payload[offset + 1]!;
    const shareCommitments = payload.slice(offset + 2, offset + 2 + s.n);
    const blame = (reason: string): MpcError =>
      new MpcError('MPC_INCONSISTENT_SHARE', `input ${input.id} from ${input.holder}: ${reason}`, {
        party: input.holder,
        input: input.id,
        round: 1,
        step: 'input',
        reason,
      });
    if (commit(share, blinding) !== shareCommitments[s.self])
      throw blame('share does not match its commitment');
    const binding = s.components.inputBinding;
    if (binding && !(await binding({ inputId: input.id, holder: input.holder, shareCommitments }))) {
      throw blame('share commitments rejected by the input binding check');
    }
    shares.push(share);
    commitments[input.id] = shareCommitments;
  }
  return { shares, commitments };
}

async function exchangeAll(
  s: Setup,
  round: number,
  step: Parameters<MessageRouter['send']>[1],
  payloadFor: (j: number) => bigint[],
): Promise<bigint[][]> {
  const own = payloadFor(s.self);
  for (let j = 0; j < s.n; j++) if (j !== s.self) s.router.send(round, step, j, payloadFor(j));
  const expected: Expectation[] = [];
  for (let j = 0; j < s.n; j++) if (j !== s.self) expected.push({ from: j, step, length: own.length });
  const received = await s.router.receive(round, expected);
  return Array.from({ length: s.n }, (_, j) => (j === s.self ? own : received.get(step, j)));
}

// The output party collects the n masked result shares, checks they lie on one degree-t polynomial,
// and interpolates.
async function receiveOutput(s: Setup, ownShare: bigint | undefined): Promise<MpcOutput> {
  const round = s.schedule.outputRound;
  const expected: Expectation[] = [];
  for (let j = 0; j < s.n; j++) if (j !== s.self) expected.push({ from: j, step: 'output', length: 1 });
  // A party outside the computation waits through every round at once.
  const timeout = s.self < s.n ? undefined : (s.init.timeoutMs ?? DEFAULT_ROUND_TIMEOUT_MS) * round;
  const received = await s.router.receive(round, expected, timeout);
  const shares = Array.from({ length: s.n }, (_, j) =>
    j === s.self ? ownShare! : received.get('output', j)[0]!,
  );
  const opened = new ShareOpener(s.n, s.t).open(shares);
  if (!opened.consistent) {
    const names = s.participants.slice(0, s.n);
    throw new MpcError('MPC_INCONSISTENT_SHARE', `output shares do not lie on one degree-${s.t} polynomial`, {
      ...(opened.blamed === undefined ? { candidates: names } : { party: names[opened.blamed]! }),
      round,
      step: 'output',
      reason: `not on one degree-${s.t} polynomial`,
    });
  }
  const compare = s.init.program.compare;
  if (compare && opened.secret > 1n) {
    throw new MpcError('MPC_PROTOCOL_ABORT', 'the comparison result is not a bit', {
      round,
      step: 'output',
      reason: 'comparison result is not a bit',
    });
  }
  s.participants.forEach((_, i) => {
    if (i !== s.self) s.router.send(s.schedule.rounds, 'done', i, []);
  });
  if (!compare) return { kind: 'aggregate', value: opened.secret };
  return { kind: 'verdict', value: opened.secret === 1n, threshold: compare.threshold };
}

function checkInputKeys(init: MpcSessionInit, held: readonly number[]): void {
  const given = Object.keys(init.inputs ?? {});
  const ids = new Set(held.map((k) => init.program.inputs[k]!.id));
  for (const id of given) if (!ids.has(id)) throw new RangeError(`input ${id} is not held by ${init.self}`);
  for (const id of ids) {
    const value = init.inputs?.[id];
    if (value === undefined) throw new RangeError(`missing value for input ${id}`);
    const v = typeof value === 'bigint' ? value : value?.value;
    if (typeof v !== 'bigint') throw new TypeError(`input ${id} must be a bigint or a prepared sharing`);
    if (v < 0n || v >= 1n << BigInt(VALUE_BITS)) throw new RangeError(`input ${id} must be in [0, 2^64)`);
  }
}
