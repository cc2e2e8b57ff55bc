pragma circom 2.1.0;

// RecordInclusion(depth) and RecordInclusionBatch(depth, k).
//
// Proves: a dataset record leaf = Poseidon(subjectId, fieldId, value, salt) sits under the Merkle `root`
//   (Poseidon binary tree of `depth` levels, see merkle.circom), its value is < 2^64, and
//   valueCommitment = Poseidon(value, blinding). The batch proves k such records under one root; slot i is
//   checked against the root only when i < count, and slots at or past `count` are padding.
// Public: root, subjectId, fieldId, valueCommitment (batch: count, and the k-vectors of the three).
// Does NOT enforce:
//   - that `root` is the dataset's anchored, current root: the verifier checks it on the ledger;
//   - that a subject has only one leaf per field: the data owner who builds the tree must ensure it,
//     otherwise the prover may pick among duplicates;
//   - that `blinding` is random or `salt` is secret: the prover's job (a low-entropy blinding lets anyone
//     test guesses of the value against valueCommitment);
//   - batch: that the subjects are distinct or are the ones queried, nor anything about padding slots:
//     the verifier compares the public vectors with its query and ignores slots at or past `count`.

include "circomlib/circuits/poseidon.circom";
include "merkle.circom";
include "range.circom";

// One record: leaf hash, value range, value commitment; outputs the computed root.
template RecordLeaf(depth) {
    signal input subjectId;
    signal input fieldId;
    signal input value;
    signal input salt;
    signal input blinding;
    signal input siblings[depth];
    signal input pathIndices[depth];
    signal input valueCommitment;
    signal output root;

    component range = Range64();
    range.in <== value;

    component leaf = Poseidon(4);
    leaf.inputs[0] <== subjectId;
    leaf.inputs[1] <== fieldId;
    leaf.inputs[2] <== value;
    leaf.inputs[3] <== salt;

    component commitment = Poseidon(2);
    commitment.inputs[0] <== value;
    commitment.inputs[1] <== blinding;
    commitment.out === valueCommitment;

    component tree = MerkleRoot(depth);
    tree.leaf <== leaf.out;
    for (var i = 0; i < depth; i++) {
        tree.siblings[i] <== siblings[i];
        tree.pathIndices[i] <== pathIndices[i];
    }
    root <== tree.root;
}

template RecordInclusion(depth) {
    signal input root;
    signal input subjectId;
    signal input fieldId;
    signal input valueCommitment;
    signal input value;
    signal input salt;
    signal input blinding;
    signal input siblings[depth];
    signal input pathIndices[depth];

    component record = RecordLeaf(depth);
    record.subjectId <== subjectId;
    record.fieldId <== fieldId;
    record.value <== value;
    record.salt <== salt;
    record.blinding <== blinding;
    record.siblings <== siblings;
    record.pathIndices <== pathIndices;
    record.valueCommitment <== valueCommitment;
    record.root === root;
}

template RecordInclusionBatch(depth, k) {
    assert(k >= 1 && k <= 64);

    signal input root;
    signal input count;
    signal input subjectIds[k];
    signal input fieldIds[k];
    signal input valueCommitments[k];
    signal input values[k];
    signal input salts[k];
    signal input blindings[k];
    signal input siblings[k][depth];
    signal input pathIndices[k][depth];

    // enabled[i] = 1 for i < count, 0 after: bits, non-increasing, summing to count.
    signal enabled[k];
    var total = 0;
    for (var i = 0; i < k; i++) {
        enabled[i] <-- i < count ? 1 : 0;
        enabled[i] * (1 - enabled[i]) === 0;
        if (i > 0) {
            enabled[i] * (1 - enabled[i - 1]) === 0;
        }
        total += enabled[i];
    }
    total === count;

    component records[k];
    for (var i = 0; i < k; i++) {
        records[i] = RecordLeaf(depth);
        records[i].subjectId <== subjectIds[i];
        records[i].fieldId <== fieldIds[i];
        records[i].value <== values[i];
        records[i].salt <== salts[i];
        records[i].blinding <== blindings[i];
        records[i].siblings <== siblings[i];
        records[i].pathIndices <== pathIndices[i];
        records[i].valueCommitment <== valueCommitments[i];
        enabled[i] * (records[i].root - root) === 0;
    }
}
