// groth16VerifyBatch against snarkjs's groth16.verify, item by item, on real proofs of two circuits:
// valid ones (and re-randomised valid ones), tampered proofs and signals, and malformed items. Every
// backend answers exactly what snarkjs says, except where decode.ts documents a stricter rule
// (non-canonical coordinates, B outside G2), which is asserted on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Accelerator,
  createCpuAccelerator,
  createWorkersAccelerator,
  type Groth16VerifyItem,
} from '../../src/index.ts';
import {
  jacobianG1,
  P,
  R,
  releaseSnarkjs,
  rerandomize,
  snarkjsVerify,
  tweak,
  twistPointOutsideG2,
  vectors,
} from './helpers.ts';

const { vkey, proofs } = vectors.threshold;
const other = vectors.record_inclusion_batch;

/** Named items; snarkjs decides the expected verdict of each. */
function differentialCases(): [string, Groth16VerifyItem][] {
  const [p0, p1, p2, p3] = proofs as [
    Groth16VerifyItem,
    Groth16VerifyItem,
    Groth16VerifyItem,
    Groth16VerifyItem,
  ];
  return [
    ['valid 0', p0],
    ['valid 1', p1],
    ['re-randomised valid', rerandomize(vkey, p2)],
    [
      'valid in Jacobian form (z ≠ 1)',
      tweak(p3, (c) => {
        c.proof.pi_a = jacobianG1(p3.proof.pi_a, 12345n);
        c.proof.pi_c = jacobianG1(p3.proof.pi_c, 777n);
      }),
    ],
    [
      'signal + 1',
      tweak(p0, (c) => {
        c.publicSignals[0] = (BigInt(c.publicSignals[0]!) + 1n).toString();
      }),
    ],
    [
      'last signal = r - 1',
      tweak(p1, (c) => {
        c.publicSignals[c.publicSignals.length - 1] = (R - 1n).toString();
      }),
    ],
    [
      'A from another proof',
      tweak(p0, (c) => {
        c.proof.pi_a = [...p1.proof.pi_a];
      }),
    ],
    [
      'C from another proof',
      tweak(p2, (c) => {
        c.proof.pi_c = [...p3.proof.pi_c];
      }),
    ],
    [
      'B from another proof',
      tweak(p3, (c) => {
        c.proof.pi_b = structuredClone(p0.proof.pi_b);
      }),
    ],
    [
      'A and C swapped',
      tweak(p1, (c) => {
        [c.proof.pi_a, c.proof.pi_c] = [c.proof.pi_c, c.proof.pi_a];
      }),
    ],
    [
      'A negated',
      tweak(p2, (c) => {
        const a = c.proof.pi_a as string[];
        a[1] = (P - BigInt(a[1]!)).toString();
      }),
    ],
    [
      'A not on the curve',
      tweak(p0, (c) => {
        const a = c.proof.pi_a as string[];
        a[1] = (BigInt(a[1]!) + 1n).toString();
      }),
    ],
    [
      'C not on the curve',
      tweak(p1, (c) => {
        (c.proof.pi_c as string[])[0] = '5';
      }),
    ],
    [
      'B not on the twist',
      tweak(p2, (c) => {
        const b = c.proof.pi_b as string[][];
        b[1]![0] = (BigInt(b[1]![0]!) + 1n).toString();
      }),
    ],
    [
      'A at infinity',
      tweak(p3, (c) => {
        c.proof.pi_a = ['0', '1', '0'];
      }),
    ],
    [
      'C at infinity',
      tweak(p0, (c) => {
        c.proof.pi_c = ['0', '1', '0'];
      }),
    ],
    [
      'signal ≥ r',
      tweak(p1, (c) => {
        c.publicSignals[0] = R.toString();
      }),
    ],
    [
      'one signal too many',
      tweak(p3, (c) => {
        c.publicSignals.push('1');
      }),
    ],
    [
      'non-decimal signal',
      tweak(p0, (c) => {
        c.publicSignals[1] = 'twelve';
      }),
    ],
    [
      'pi_a as [x, y] (affine, no z)',
      tweak(p1, (c) => {
        c.proof.pi_a = (c.proof.pi_a as string[]).slice(0, 2);
      }),
    ],
    [
      'z not a number',
      tweak(p3, (c) => {
        (c.proof.pi_c as string[])[2] = 'one';
      }),
    ],
    [
      'missing pi_b',
      tweak(p2, (c) => {
        delete c.proof.pi_b;
      }),
    ],
    ['proof of another circuit', other.proofs[0]!],
    ['null proof', { proof: null, publicSignals: p0.publicSignals } as unknown as Groth16VerifyItem],
  ];
}

const backends: [string, () => Accelerator][] = [
  ['cpu', () => createCpuAccelerator()],
  ['workers:2', () => createWorkersAccelerator({ size: 2 })],
];

let cases: [string, Groth16VerifyItem][];
let expected: boolean[];

beforeAll(async () => {
  cases = differentialCases();
  expected = [];
  for (const [, item] of cases) expected.push(await snarkjsVerify(vkey, item));
  // The oracle itself must see both verdicts, or the comparison proves nothing.
  expect(expected.filter(Boolean).length).toBe(5);
});
afterAll(releaseSnarkjs);

for (const [name, factory] of backends) {
  describe(`groth16VerifyBatch ≡ snarkjs (${name})`, () => {
    let accel: Accelerator;
    beforeAll(() => {
      accel = factory();
    });
    afterAll(() => accel.close());

    it('answers what snarkjs answers for each valid, tampered and malformed item', async () => {
      const got = await accel.groth16VerifyBatch(
        vkey,
        cases.map(([, item]) => item),
      );
      const table = cases.map(([n], i) => `${n}: ${got[i]}`);
      expect(table).toEqual(cases.map(([n], i) => `${n}: ${expected[i]}`));
    });

    it('a batch of 16 distinct valid proofs (re-randomised) is all true, and one bad item is found', async () => {
      const items = Array.from({ length: 16 }, (_, i) => rerandomize(vkey, proofs[i % proofs.length]!));
      expect(await accel.groth16VerifyBatch(vkey, items)).toEqual(new Array(16).fill(true));
      const bad = tweak(items[11]!, (c) => {
        c.publicSignals[0] = (BigInt(c.publicSignals[0]!) + 1n).toString();
      });
      const mixed = items.map((x, i) => (i === 11 ? bad : x));
      expect(await snarkjsVerify(vkey, bad)).toBe(false);
      expect(await accel.groth16VerifyBatch(vkey, mixed)).toEqual(items.map((_, i) => i !== 11));
    });

    it('verifies a second key with 8 public signals', async () => {
      const { vkey: k, proofs: ps } = other;
      expect(await accel.groth16VerifyBatch(k, ps)).toEqual(ps.map(() => true));
      expect(await accel.groth16VerifyBatch(k, [ps[0]!, proofs[0]!])).toEqual([true, false]);
    });
  });
}

describe('where decode.ts is stricter than snarkjs', () => {
  let accel: Accelerator;
  beforeAll(() => {
    accel = createCpuAccelerator();
  });
  afterAll(() => accel.close());

  it('a coordinate written as x + p is the same point to snarkjs but refused here', async () => {
    const item = tweak(proofs[0]!, (c) => {
      const a = c.proof.pi_a as string[];
      a[0] = (BigInt(a[0]!) + P).toString();
    });
    expect(await snarkjsVerify(vkey, item)).toBe(true);
    expect(await accel.groth16VerifyBatch(vkey, [item, proofs[0]!])).toEqual([false, true]);
  });

  it('every signal must be given (snarkjs reads a list missing a trailing zero signal as valid)', async () => {
    const last = proofs.findIndex((p) => p.publicSignals[p.publicSignals.length - 1] === '0');
    expect(last).toBeGreaterThanOrEqual(0);
    const item = tweak(proofs[last]!, (c) => {
      c.publicSignals.pop();
    });
    expect(await snarkjsVerify(vkey, item)).toBe(true);
    expect(await accel.groth16VerifyBatch(vkey, [item, proofs[last]!])).toEqual([false, true]);
  });

  it('B on the twist but outside G2 is refused (snarkjs checks only the curve equation)', async () => {
    const item = tweak(proofs[1]!, (c) => {
      c.proof.pi_b = twistPointOutsideG2();
    });
    expect(await snarkjsVerify(vkey, item)).toBe(false);
    expect(await accel.groth16VerifyBatch(vkey, [item, proofs[1]!])).toEqual([false, true]);
  });
});
