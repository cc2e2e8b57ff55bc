/**
 * The end of a session: the output party checks and interpolates the masked result shares, then confirms
 * to every other participant, who return only after that confirmation.
 */
import { MpcError } from './errors.ts';
import type { Expectation } from './router.ts';
import { DEFAULT_ROUND_TIMEOUT_MS, type MpcOutput, type SessionState } from './session-types.ts';
import { ShareOpener } from './shamir.ts';

/**
 * The output party collects the n masked result shares, checks they lie on one degree-t polynomial,
 * interpolates, and confirms.
 * @throws {MpcError} `MPC_INCONSISTENT_SHARE`, `MPC_PROTOCOL_ABORT` (a verdict that is not a bit), and the
 * round's errors.
 */
export async function receiveOutput(s: SessionState, ownShare: bigint | undefined): Promise<MpcOutput> {
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

/**
 * Every party but the output party returns only once the output party confirms, so that no honest
 * party reports a completed session that another party aborted.
 * @throws {MpcError} the round's errors, or the output party's ABORT.
 */
export async function awaitConfirmation(s: SessionState): Promise<void> {
  const from = s.participants.indexOf(s.init.program.output);
  // Wait longer than the output party waits for its shares, so that its diagnosis (ABORT naming the
  // silent party) arrives before this wait gives up; a party outside the computation waits through every
  // round at once.
  const perRound = s.init.timeoutMs ?? DEFAULT_ROUND_TIMEOUT_MS;
  const timeout = perRound * (s.self < s.n ? 2 : s.schedule.rounds + 1);
  await s.router.receive(s.schedule.rounds, [{ from, step: 'done', length: 0 }], timeout);
}
