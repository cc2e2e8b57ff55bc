pragma circom 2.1.0;

// Credential: an issuing authority's EdDSA-Poseidon (Baby Jubjub) credential is valid, unexpired at a
// public date, and its value satisfies a public predicate.
//
// Proves: the issuer key (issuerAx, issuerAy) signed message = Poseidon(subject, attribute, value, expiry)
//   with circomlib's EdDSAPoseidonVerifier (signature R8, S; S < subgroup order is checked);
//   currentDate < expiry (expiry is the first instant the credential is no longer valid; dates are
//   64-bit integers, e.g. days or seconds since the Unix epoch, as the issuer chose);
//   value ≤ threshold (direction 0) or value ≥ threshold (direction 1), all 64-bit;
//   subjectCommitment = Poseidon(subject, subjectBlinding).
// Public: issuerAx, issuerAy, attribute, currentDate, threshold, direction, subjectCommitment.
// Does NOT enforce:
//   - that the issuer key belongs to an authority: the verifier compares it with the authority registry;
//   - that the prover is the subject (there is no holder key): a verifier that needs this opens
//     subjectCommitment or links it to another proof on the same commitment;
//   - revocation, or that currentDate is today: the verifier picks the date and checks revocation lists;
//   - that R8 is a point of the curve: a forged R8 would have to satisfy S·B8 = R8 + 8·h·A with
//     h = Poseidon(R8, A, message), which is infeasible, as in circomlib's own use of this verifier.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "range.circom";

template Credential() {
    signal input issuerAx;
    signal input issuerAy;
    signal input attribute;
    signal input currentDate;
    signal input threshold;
    signal input direction;
    signal input subjectCommitment;
    signal input subject;
    signal input subjectBlinding;
    signal input value;
    signal input expiry;
    signal input signatureR8x;
    signal input signatureR8y;
    signal input signatureS;

    component message = Poseidon(4);
    message.inputs[0] <== subject;
    message.inputs[1] <== attribute;
    message.inputs[2] <== value;
    message.inputs[3] <== expiry;

    component signature = EdDSAPoseidonVerifier();
    signature.enabled <== 1;
    signature.Ax <== issuerAx;
    signature.Ay <== issuerAy;
    signature.R8x <== signatureR8x;
    signature.R8y <== signatureR8y;
    signature.S <== signatureS;
    signature.M <== message.out;

    // currentDate < expiry  ⇔  currentDate + 1 ≤ expiry; Compare64 range-checks both sides.
    component unexpired = Compare64();
    unexpired.lhs <== currentDate + 1;
    unexpired.rhs <== expiry;
    unexpired.direction <== 0;

    component predicate = Compare64();
    predicate.lhs <== value;
    predicate.rhs <== threshold;
    predicate.direction <== direction;

    component subjectHash = Poseidon(2);
    subjectHash.inputs[0] <== subject;
    subjectHash.inputs[1] <== subjectBlinding;
    subjectHash.out === subjectCommitment;
}
