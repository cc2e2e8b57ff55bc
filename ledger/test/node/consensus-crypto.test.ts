// SM2 consensus signatures: a validator's signature verifies for it only, over the exact bytes; junk is
// false, never an exception; a certificate of real precommits passes `checkCertificate`.
import { describe, expect, it } from 'vitest';
import { voteSignBytes } from '../../src/codec/consensus-codec.ts';
import { buildCertificate, checkCertificate } from '../../src/consensus/certificate.ts';
import type { Vote } from '../../src/consensus/interface.ts';
import { createSm2ConsensusCrypto } from '../../src/node/consensus-crypto.ts';
import { validatorSetOf } from '../../src/node/genesis.ts';
import { createLocalNetwork } from '../../src/node/local-network.ts';

describe('SM2 consensus crypto', async () => {
  const net = await createLocalNetwork({ validators: 4, seed: 'crypto' });
  const set = validatorSetOf(net.genesis);
  const cryptos = net.validators.map((v) => createSm2ConsensusCrypto(set, v.sm2PrivateKey));
  const verifier = createSm2ConsensusCrypto(set);

  it('verifies a validator’s signature for that validator and those bytes only', () => {
    const bytes = new TextEncoder().encode('prevote bytes');
    const sig = cryptos[0]!.sign(bytes);
    expect(sig).toHaveLength(64);
    for (let k = 0; k < 5; k++) expect(verifier.verify('validator-1', bytes, sig)).toBe(true); // table kicks in
    expect(verifier.verify('validator-2', bytes, sig)).toBe(false);
    expect(verifier.verify('validator-1', new TextEncoder().encode('other'), sig)).toBe(false);
    expect(verifier.verify('nobody', bytes, sig)).toBe(false);
    expect(verifier.verify('validator-1', bytes, new Uint8Array(7))).toBe(false);
    expect(verifier.verify('validator-1', bytes, new Uint8Array(64))).toBe(false);
    expect(() => verifier.sign(bytes)).toThrow(TypeError);
  });

  it('makes certificates that check against the validator set', () => {
    const blockHash = new Uint8Array(32).fill(9);
    const votes: Vote[] = [0, 1, 3].map((i) => {
      const unsigned = {
        type: 'precommit' as const,
        height: 5,
        round: 1,
        blockHash,
        validator: `validator-${i + 1}`,
      };
      return { ...unsigned, signature: cryptos[i]!.sign(voteSignBytes(set.chainId, unsigned)) };
    });
    const cert = buildCertificate(set, 5, 1, blockHash, votes);
    expect(checkCertificate(set, verifier, cert, { height: 5, blockHash })).toEqual({ ok: true, signers: 3 });
    const forged = {
      ...cert,
      precommits: cert.precommits.map((p, i) =>
        i === 1 ? { ...p, signature: cert.precommits[0]!.signature } : p,
      ),
    };
    expect(checkCertificate(set, verifier, forged)).toMatchObject({ ok: false, fault: 'bad-signature' });
    expect(
      checkCertificate(set, verifier, { ...cert, precommits: cert.precommits.slice(0, 2) }),
    ).toMatchObject({
      ok: false,
      fault: 'insufficient-signatures',
    });
  });
});
