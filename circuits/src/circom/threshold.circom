pragma circom 2.1.0;

// Threshold: the value inside a public commitment is ≤ (direction = 0) or ≥ (direction = 1) a public
// threshold.
//
// Proves: valueCommitment = Poseidon(value, blinding), value < 2^64, threshold < 2^64, and
//   value ≤ threshold (direction 0) or value ≥ threshold (direction 1). A false predicate has no witness.
// Public: valueCommitment, threshold, direction.
// Does NOT enforce: that valueCommitment belongs to a real record (pair it with a RecordInclusion proof
//   on the same commitment; the verifier checks they match), nor that the blinding hides the value well.

include "circomlib/circuits/poseidon.circom";
include "range.circom";

template Threshold() {
    signal input valueCommitment;
    signal input threshold;
    signal input direction;
    signal input value;
    signal input blinding;

    component commitment = Poseidon(2);
    commitment.inputs[0] <== value;
    commitment.inputs[1] <== blinding;
    commitment.out === valueCommitment;

    component compare = Compare64();
    compare.lhs <== value;
    compare.rhs <== threshold;
    compare.direction <== direction;
}
