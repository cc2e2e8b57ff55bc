/**
 * The state root:
 *
 *   stateRoot = SM3("privgate/state/v1\0" ‖ mapRoot ‖ logRoot ‖ u64be(logSize))
 *
 * mapRoot commits to every map entry (`bucket-tree.ts`), logRoot and logSize to every log entry in the
 * order the chain appended them (`log-accumulator.ts`). Both are functions of the ordered sequence of
 * blocks only, so every node that applied the same blocks has the same root, and both are updated at a
 * cost proportional to the block's writes, not to the size of the state.
 */
import { sm3 } from '@privgate/accel';
import { concatBytes, u64be } from '../tx/bytes.ts';

const STATE_DOMAIN = new Uint8Array(Buffer.from('privgate/state/v1\0', 'ascii'));

/** Combines the two commitments into the state root. */
export function combineStateRoot(mapRoot: Uint8Array, logRoot: Uint8Array, logSize: number): Uint8Array {
  return sm3(concatBytes(STATE_DOMAIN, mapRoot, logRoot, u64be(logSize)));
}
