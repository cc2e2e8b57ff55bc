pragma circom 2.1.0;

// ShareBinding(n, t) and ShareBindingBatch(n, t, k): MPC input shares are a sharing of a committed value.
//
// Proves: valueCommitment = Poseidon(value, blinding) and the n shares are a sharing of `value` over the
//   BN254 scalar field: for t >= 1, share_i = f(x_i) with f(x) = value + a_1 x + ... + a_t x^t and the
//   evaluation points x_i = i + 1 (Shamir, degree t); for t = 0, share_0 + ... + share_{n-1} = value
//   (additive). Each share is committed as shareCommitments[i] = Poseidon(share_i, shareBlindings[i]).
//   The batch proves k independent values, each with its own n shares.
// Public: valueCommitment and shareCommitments[n] (batch: valueCommitments[k], shareCommitments[k][n]).
// Does NOT enforce:
//   - that the value is < 2^64 or belongs to a dataset: a RecordInclusion proof on the same valueCommitment
//     does, and the verifier must check the two commitments are equal;
//   - that party i really received share_i with blinding r_i: each receiving party recomputes
//     Poseidon(share_i, r_i) and compares it with shareCommitments[i] before using the share;
//   - that the coefficients or blindings are random: the dealer's job (a known coefficient leaks the value).

include "circomlib/circuits/poseidon.circom";

template ShareBinding(n, t) {
    assert(n >= 2 && n <= 32);
    assert(t >= 0 && t < n);

    signal input valueCommitment;
    signal input shareCommitments[n];
    signal input value;
    signal input blinding;
    signal input shares[n];
    signal input shareBlindings[n];
    // For t = 0 the array is unused but still declared with one entry, since circom has no empty arrays.
    signal input coefficients[t == 0 ? 1 : t];

    component commitment = Poseidon(2);
    commitment.inputs[0] <== value;
    commitment.inputs[1] <== blinding;
    commitment.out === valueCommitment;

    if (t == 0) {
        var sum = 0;
        for (var i = 0; i < n; i++) {
            sum += shares[i];
        }
        sum === value;
    } else {
        // The evaluation points are constants, so every share is a linear combination: no multiplication.
        for (var i = 0; i < n; i++) {
            var x = i + 1;
            var power = 1;
            var evaluation = value;
            for (var j = 0; j < t; j++) {
                power = power * x;
                evaluation += coefficients[j] * power;
            }
            shares[i] === evaluation;
        }
    }

    component shareHashes[n];
    for (var i = 0; i < n; i++) {
        shareHashes[i] = Poseidon(2);
        shareHashes[i].inputs[0] <== shares[i];
        shareHashes[i].inputs[1] <== shareBlindings[i];
        shareHashes[i].out === shareCommitments[i];
    }
}

template ShareBindingBatch(n, t, k) {
    assert(k >= 1 && k <= 64);

    signal input valueCommitments[k];
    signal input shareCommitments[k][n];
    signal input values[k];
    signal input blindings[k];
    signal input shares[k][n];
    signal input shareBlindings[k][n];
    signal input coefficients[k][t == 0 ? 1 : t];

    component bindings[k];
    for (var i = 0; i < k; i++) {
        bindings[i] = ShareBinding(n, t);
        bindings[i].valueCommitment <== valueCommitments[i];
        bindings[i].shareCommitments <== shareCommitments[i];
        bindings[i].value <== values[i];
        bindings[i].blinding <== blindings[i];
        bindings[i].shares <== shares[i];
        bindings[i].shareBlindings <== shareBlindings[i];
        bindings[i].coefficients <== coefficients[i];
    }
}
