/**
 * Round 1, input side: holders send each compute party its share, blinding and the share commitments of
 * every input they hold; compute parties check each share against its commitment and the gateway's
 * input-binding check before using it.
 */
import { MpcError } from './errors.ts';
import {
  checkPreparedInput,
  type PreparedInput,
  prepareInputSharing,
  type ShareCommitment,
} from './input-sharing.ts';
import { dealLength } from './protocols/deal.ts';
import type { Expectation, RoundMessages } from './router.ts';
import type { SessionState } from './session-types.ts';

/** Prepares (or checks a prepared) sharing of every input this party holds and sends the shares. */
export function sendInputs(s: SessionState, commit: ShareCommitment): PreparedInput[] {
  const prepared = s.held.map((k) => prepareHeld(s, k, commit));
  if (prepared.length === 0) return prepared;
  for (let j = 0; j < s.n; j++) {
    if (j === s.self) continue;
    const payload = prepared.flatMap((p) => [
      p.sharing.shares[j]!,
      p.shareBlindings[j]!,
      ...p.shareCommitments,
    ]);
    s.router.send(1, 'input', j, payload);
  }
  return prepared;
}

/** What a compute party waits for in round 1: inputs from other holders, deals from other compute parties. */
export function roundOneExpectations(s: SessionState): Expectation[] {
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

function prepareHeld(s: SessionState, k: number, commit: ShareCommitment): PreparedInput {
  const id = s.init.program.inputs[k]!.id;
  const given = s.init.inputs![id]!;
  if (typeof given === 'bigint') return prepareInputSharing(given, s.n, commit, s.rng);
  checkPreparedInput(given, s.n, commit);
  return given;
}

/**
 * Checks each received share against the holder's commitment (and the gateway's proof check), in program
 * order, and returns this party's shares of every input.
 * @throws {MpcError} `MPC_INCONSISTENT_SHARE` naming the holder.
 */
export async function acceptInputs(
  s: SessionState,
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
