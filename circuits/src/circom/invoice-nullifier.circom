pragma circom 2.1.0;

// InvoiceNullifier(depth): an anchored invoice is financed at most once across banks.
//
// Proves: leaf = Poseidon(invoiceNumber, issuer, buyer, amount, issueDate, salt) sits under the issuer's
//   invoice tree `root` (see merkle.circom), amount < 2^64, and outputs
//   nullifier = Poseidon(NULLIFIER_TAG, invoiceNumber, issuer), the same for every bank shown the invoice,
//   and amountCommitment = Poseidon(amount, amountBlinding).
// Public: root, issuer (inputs); nullifier, amountCommitment (outputs). The root already names the issuer
//   on the ledger, so a public issuer reveals nothing more; buyer, amount, date and number stay private.
// Does NOT enforce:
//   - that `root` is anchored by `issuer`: the verifier looks the root up on the ledger;
//   - that the nullifier was not used before: the nullifier registry rejects a second financing;
//   - that the invoice number has enough entropy: anyone who can guess (number, issuer) can recompute
//     the nullifier, which only tells them that this invoice was financed;
//   - that the issuer put one leaf per invoice number: duplicates still collide on the nullifier.

include "circomlib/circuits/poseidon.circom";
include "merkle.circom";
include "range.circom";

template InvoiceNullifier(depth) {
    // ASCII "privgate/invoice-nullifier/v1" as a big-endian integer: separates this hash from other uses.
    var NULLIFIER_TAG = 3031563012733337140780529501884635454085771649425812952835680480753201;

    signal input root;
    signal input issuer;
    signal input invoiceNumber;
    signal input buyer;
    signal input amount;
    signal input issueDate;
    signal input salt;
    signal input amountBlinding;
    signal input siblings[depth];
    signal input pathIndices[depth];
    signal output nullifier;
    signal output amountCommitment;

    component range = Range64();
    range.in <== amount;

    component leaf = Poseidon(6);
    leaf.inputs[0] <== invoiceNumber;
    leaf.inputs[1] <== issuer;
    leaf.inputs[2] <== buyer;
    leaf.inputs[3] <== amount;
    leaf.inputs[4] <== issueDate;
    leaf.inputs[5] <== salt;

    component tree = MerkleRoot(depth);
    tree.leaf <== leaf.out;
    tree.siblings <== siblings;
    tree.pathIndices <== pathIndices;
    tree.root === root;

    component nullifierHash = Poseidon(3);
    nullifierHash.inputs[0] <== NULLIFIER_TAG;
    nullifierHash.inputs[1] <== invoiceNumber;
    nullifierHash.inputs[2] <== issuer;
    nullifier <== nullifierHash.out;

    component commitment = Poseidon(2);
    commitment.inputs[0] <== amount;
    commitment.inputs[1] <== amountBlinding;
    amountCommitment <== commitment.out;
}
