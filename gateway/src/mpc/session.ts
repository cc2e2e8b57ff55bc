/**
 * One party's run of a query program (see PROTOCOL.md): input sharing with share commitments, local
 * (weighted) sum, optional comparison with a public threshold, and opening to the output party only.
 * Every party of the session — compute party, data holder, output party, or several at once — calls
 * {@link runMpcSession} with the same session id, compute parties and program.
 */
import { isMpcError, MpcError } from './errors.ts';
import { fadd, fmul } from './field.ts';
import { acceptInputs, roundOneExpectations, sendInputs } from './input-phase.ts';
import { poseidonShareCommitment } from './input-sharing.ts';
import type { MpcStepName } from './messages.ts';
import { awaitConfirmation, receiveOutput } from './output-phase.ts';
import { programSchedule, programWeights, sessionParticipants, sessionTag, VALUE_BITS } from './program.ts';
import { compareWithThreshold } from './protocols/compare.ts';
import { createComputeContext } from './protocols/context.ts';
import { combineDealings, dealRandomness } from './protocols/deal.ts';
import { systemRandomness } from './randomness.ts';
import { type Expectation, MessageRouter } from './router.ts';
import {
  DEFAULT_ROUND_TIMEOUT_MS,
  type MpcOutput,
  type MpcSessionComponents,
  type MpcSessionInit,
  type MpcSessionResult,
  type SessionState,
} from './session-types.ts';
import { thresholdFor } from './shamir.ts';
import { SessionTranscript } from './transcript.ts';

export {
  DEFAULT_ROUND_TIMEOUT_MS,
  type InputBinding,
  type MpcOutput,
  type MpcSessionComponents,
  type MpcSessionInit,
  type MpcSessionResult,
} from './session-types.ts';

/**
 * Runs this party's part of a session and resolves when it is done: at the output party with the
 * output, once it has checked and interpolated the result shares; at every other party once the output
 * party has confirmed. No party obtains a result if the session fails.
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
  const setup: SessionState = {
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

async function run(
  s: SessionState,
): Promise<{ output?: MpcOutput; inputCommitments: Record<string, bigint[]> }> {
  const { init, n, self, router, schedule } = s;
  const isCompute = self < n;
  const isOutput = init.program.output === init.self;
  const needsCommitment =
    s.held.length > 0 || (isCompute && init.program.inputs.some((i) => i.holder !== init.self));
  const commit = needsCommitment ? (s.components.commitment ?? (await poseidonShareCommitment())) : undefined;

  // Round 1: input shares from holders, dealt randomness between compute parties.
  const prepared = commit ? sendInputs(s, commit) : [];
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

async function exchangeAll(
  s: SessionState,
  round: number,
  step: MpcStepName,
  payloadFor: (j: number) => bigint[],
): Promise<bigint[][]> {
  const own = payloadFor(s.self);
  for (let j = 0; j < s.n; j++) if (j !== s.self) s.router.send(round, step, j, payloadFor(j));
  const expected: Expectation[] = [];
  for (let j = 0; j < s.n; j++) if (j !== s.self) expected.push({ from: j, step, length: own.length });
  const received = await s.router.receive(round, expected);
  return Array.from({ length: s.n }, (_, j) => (j === s.self ? own : received.get(step, j)));
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
