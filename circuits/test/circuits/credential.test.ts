import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CredentialInput,
  type CredentialIssuer,
  createCircomlibPoseidon,
  createCredentialIssuer,
  credentialInput,
  type PoseidonHasher,
  type SignedCredential,
  subjectCommitment,
} from '../../src/index.ts';
import { expectFail, expectPass, tweak } from '../helpers.ts';

/** Baby Jubjub prime-order subgroup order l (EIP-2494). */
const SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;
const MAX64 = (1n << 64n) - 1n;
let hasher: PoseidonHasher;
let authority: CredentialIssuer;
let impostor: CredentialIssuer;
let credential: SignedCredential;

function input(
  overrides: Partial<{ currentDate: bigint; threshold: bigint; direction: 'le' | 'ge' }> = {},
): CredentialInput {
  return credentialInput(hasher, {
    credential,
    issuer: authority.publicKey,
    currentDate: overrides.currentDate ?? 19_999n,
    threshold: overrides.threshold ?? 18n,
    direction: overrides.direction ?? 'ge',
    subjectBlinding: 4242n,
  });
}

beforeAll(async () => {
  hasher = await createCircomlibPoseidon();
  authority = await createCredentialIssuer(new Uint8Array(32).fill(7), hasher);
  impostor = await createCredentialIssuer(new Uint8Array(32).fill(8), hasher);
  credential = authority.sign({ subject: 31337n, attribute: 1n, value: 42n, expiry: 20_000n });
});

describe('Credential', () => {
  it('accepts a valid, unexpired credential meeting the predicate; public signals match', async () => {
    expect(authority.verify(credential)).toBe(true);
    const pub = await expectPass('credential', input());
    expect(pub).toEqual({
      issuerAx: authority.publicKey.x,
      issuerAy: authority.publicKey.y,
      attribute: 1n,
      currentDate: 19_999n,
      threshold: 18n,
      direction: 1n,
      subjectCommitment: subjectCommitment(hasher, 31337n, 4242n),
    });
  });

  it('is valid up to the instant before expiry and not at expiry', async () => {
    await expectPass('credential', input({ currentDate: 19_999n }));
    await expectFail('credential', input({ currentDate: 20_000n }));
    await expectFail('credential', input({ currentDate: 25_000n }));
  });

  it('checks the predicate at its boundary in both directions', async () => {
    await expectPass('credential', input({ threshold: 42n, direction: 'ge' }));
    await expectFail('credential', input({ threshold: 43n, direction: 'ge' }));
    await expectPass('credential', input({ threshold: 42n, direction: 'le' }));
    await expectFail('credential', input({ threshold: 41n, direction: 'le' }));
    await expectPass('credential', input({ threshold: MAX64, direction: 'le' }));
  });

  it('rejects forged signatures', async () => {
    const base = input();
    await expectFail(
      'credential',
      tweak(base, (i) => (i.signatureS += 1n)),
    );
    await expectFail(
      'credential',
      tweak(base, (i) => (i.signatureR8x += 1n)),
    );
    // S and S + l are the same scalar on the curve; the circuit requires the canonical S < l.
    await expectFail(
      'credential',
      tweak(base, (i) => (i.signatureS += SUBGROUP_ORDER)),
    );
    // Another key, or another claim under the same signature.
    await expectFail(
      'credential',
      tweak(base, (i) => {
        i.issuerAx = impostor.publicKey.x;
        i.issuerAy = impostor.publicKey.y;
      }),
    );
    await expectFail(
      'credential',
      tweak(base, (i) => (i.value = 43n)),
    );
    await expectFail(
      'credential',
      tweak(base, (i) => (i.expiry = 30_000n)),
    );
    await expectFail(
      'credential',
      tweak(base, (i) => (i.attribute = 2n)),
    );
  });

  it('rejects a credential signed by another key under the authority key', async () => {
    const forged = impostor.sign(credential.claim);
    expect(authority.verify(forged)).toBe(false);
    await expectFail(
      'credential',
      credentialInput(hasher, {
        credential: forged,
        issuer: authority.publicKey,
        currentDate: 1n,
        threshold: 0n,
        direction: 'ge',
        subjectBlinding: 1n,
      }),
    );
  });

  it('rejects a wrong subject commitment', async () => {
    await expectFail(
      'credential',
      tweak(input(), (i) => (i.subjectCommitment += 1n)),
    );
  });
});
