pragma circom 2.1.0;

// Poseidon binary Merkle tree root from a leaf and its authentication path.
//
// Proves: hashing `leaf` up the tree with `siblings` (leaf level first) and `pathIndices`
//   (bit i = 1 when the node at level i is a right child, i.e. the bits of the leaf index, LSB first)
//   gives `root`. Node hash: Poseidon(left, right) with circomlib's Poseidon(2) (BN254, t = 3).
// Public: nothing by itself; the including circuit decides.
// Does NOT enforce: that the root is anchored or current (the verifier checks the ledger), nor that the
//   leaf index is unique; an empty slot holds the leaf 0, which a Poseidon leaf hash never equals in practice.

include "circomlib/circuits/poseidon.circom";

template MerkleRoot(depth) {
    assert(depth >= 1 && depth <= 32);

    signal input leaf;
    signal input siblings[depth];
    signal input pathIndices[depth];
    signal output root;

    signal nodes[depth + 1];
    signal swap[depth];
    component hashers[depth];

    nodes[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        // A path index that is not a bit would let the prover mix the two children.
        pathIndices[i] * (1 - pathIndices[i]) === 0;
        // One multiplication orders the pair: swap = bit * (sibling - node).
        swap[i] <== pathIndices[i] * (siblings[i] - nodes[i]);
        hashers[i] = Poseidon(2);
        hashers[i].inputs[0] <== nodes[i] + swap[i];
        hashers[i].inputs[1] <== siblings[i] - swap[i];
        nodes[i + 1] <== hashers[i].out;
    }
    root <== nodes[depth];
}
