pragma circom 2.1.0;

// 64-bit range checks and comparisons shared by the PrivGate circuits.
//
// Proves: `Range64` — `in` < 2^64. `Compare64` — lhs ≤ rhs when `direction` = 0, lhs ≥ rhs when
//   `direction` = 1, for lhs and rhs both < 2^64 (both are range-checked here).
// Does NOT enforce: anything about where the compared values come from.

include "circomlib/circuits/bitify.circom";

template Range64() {
    signal input in;
    component bits = Num2Bits(64);
    bits.in <== in;
}

template Compare64() {
    signal input lhs;
    signal input rhs;
    signal input direction;

    direction * (1 - direction) === 0;
    component lhsRange = Range64();
    lhsRange.in <== lhs;
    component rhsRange = Range64();
    rhsRange.in <== rhs;

    // With both sides in [0, 2^64) the difference lies in (-2^64, 2^64); it is a 64-bit number exactly
    // when it is non-negative, because a negative difference wraps to a field element near p.
    signal diff;
    diff <== (rhs - lhs) * (1 - 2 * direction);
    component diffRange = Range64();
    diffRange.in <== diff;
}
