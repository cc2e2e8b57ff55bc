import { BATCH_SIZE } from '@privgate/circuits';
import { describe, expect, it } from 'vitest';
import {
  inclusionCircuitFor,
  inclusionCircuitsAccepted,
  inclusionSignals,
} from '../../src/contribution/index.ts';

describe('inclusion proofs of a chunk', () => {
  it('one subject is proven with RecordInclusion, two with the batch circuit', () => {
    expect(BATCH_SIZE).toBe(2);
    expect(inclusionCircuitFor(1)).toBe('record_inclusion');
    expect(inclusionCircuitFor(2)).toBe('record_inclusion_batch');
    expect(() => inclusionCircuitFor(0)).toThrow(RangeError);
    expect(() => inclusionCircuitFor(BATCH_SIZE + 1)).toThrow(RangeError);
  });

  it('a one-subject chunk accepts either circuit (older answers used the batch), two only the batch', () => {
    expect(inclusionCircuitsAccepted(1)).toEqual(['record_inclusion', 'record_inclusion_batch']);
    expect(inclusionCircuitsAccepted(2)).toEqual(['record_inclusion_batch']);
  });

  it('reads RecordInclusion signals in the batch layout', () => {
    // RecordInclusion's public signals: root, subjectId, fieldId, valueCommitment.
    const signals = inclusionSignals({
      circuit: 'record_inclusion',
      publicSignals: ['11', '22', '33', '44'],
    });
    expect(signals).toEqual({
      root: 11n,
      count: 1n,
      subjectIds: [22n],
      fieldIds: [33n],
      valueCommitments: [44n],
    });
  });

  it('reads RecordInclusionBatch signals as they are', () => {
    // root, count, subjectIds[2], fieldIds[2], valueCommitments[2]
    const signals = inclusionSignals({
      circuit: 'record_inclusion_batch',
      publicSignals: ['1', '2', '3', '4', '5', '6', '7', '8'],
    });
    expect(signals).toEqual({
      root: 1n,
      count: 2n,
      subjectIds: [3n, 4n],
      fieldIds: [5n, 6n],
      valueCommitments: [7n, 8n],
    });
  });

  it('refuses proofs of other circuits and malformed signals', () => {
    expect(() => inclusionSignals({ circuit: 'share_binding', publicSignals: ['1', '2', '3', '4'] })).toThrow(
      /not an inclusion proof/,
    );
    expect(() => inclusionSignals({ circuit: 'record_inclusion', publicSignals: ['1', '2'] })).toThrow();
  });
});
