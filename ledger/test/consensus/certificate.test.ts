/** Commit certificates verify offline only with ≥ 2f+1 distinct, valid, matching signatures. */
import { describe, expect, it } from 'vitest';
import { decodeCertificate, encodeCertificate } from '../../src/codec/index.ts';
import type { CommitCertificate } from '../../src/consensus/index.ts';
import {
  buildCertificate,
  ConsensusError,
  checkCertificate,
  verifyCertificate,
} from '../../src/consensus/index.ts';
import { block, network } from './harness.ts';

const A = block('A');

function certified(n: number, signers: number[]) {
  const net = network(n);
  const votes = signers.map((i) => net.vote(i, 'precommit', 5, 2, A));
  return { net, votes };
}

describe.each([4, 7])('commit certificate, n = %i', (n) => {
  const quorum = n - Math.floor((n - 1) / 3);
  const all = Array.from({ length: quorum }, (_, i) => i);

  it('verifies with 2f+1 signatures and survives the codec', () => {
    const { net, votes } = certified(n, all);
    const cert = buildCertificate(net.set, 5, 2, A, votes);
    expect(checkCertificate(net.set, net.keyring, cert, { height: 5, blockHash: A })).toEqual({
      ok: true,
      signers: quorum,
    });
    expect(verifyCertificate(net.set, net.keyring, decodeCertificate(encodeCertificate(cert)))).toBe(true);
  });

  it('fails with 2f signatures', () => {
    const { net, votes } = certified(n, all);
    const cert = buildCertificate(net.set, 5, 2, A, votes);
    const short: CommitCertificate = { ...cert, precommits: cert.precommits.slice(1) };
    expect(checkCertificate(net.set, net.keyring, short)).toMatchObject({
      ok: false,
      fault: 'insufficient-signatures',
    });
    expect(() => buildCertificate(net.set, 5, 2, A, votes.slice(1))).toThrow(ConsensusError);
  });

  it('fails with a forged signature', () => {
    const { net, votes } = certified(n, all);
    const cert = buildCertificate(net.set, 5, 2, A, votes);
    const sig = Uint8Array.from(cert.precommits[0]!.signature);
    sig[0]! ^= 1;
    const forged = {
      ...cert,
      precommits: [{ ...cert.precommits[0]!, signature: sig }, ...cert.precommits.slice(1)],
    };
    expect(checkCertificate(net.set, net.keyring, forged)).toMatchObject({
      ok: false,
      fault: 'bad-signature',
    });
    // A validator's signature passed off as another's.
    const swapped = {
      ...cert,
      precommits: [
        { ...cert.precommits[1]!, validator: cert.precommits[0]!.validator },
        ...cert.precommits.slice(1),
      ],
    };
    expect(verifyCertificate(net.set, net.keyring, swapped)).toBe(false);
  });

  it('fails with a duplicated signer, even on top of a full quorum', () => {
    const { net, votes } = certified(n, all);
    const cert = buildCertificate(net.set, 5, 2, A, votes);
    const doubled = { ...cert, precommits: [...cert.precommits, cert.precommits[0]!] };
    expect(checkCertificate(net.set, net.keyring, doubled)).toMatchObject({
      ok: false,
      fault: 'duplicate-signer',
    });
    const padded = { ...cert, precommits: [...cert.precommits.slice(1), cert.precommits[1]!] };
    expect(verifyCertificate(net.set, net.keyring, padded)).toBe(false);
  });

  it('fails for a wrong height, round or block', () => {
    const { net, votes } = certified(n, all);
    const cert = buildCertificate(net.set, 5, 2, A, votes);
    expect(checkCertificate(net.set, net.keyring, { ...cert, height: 6 })).toMatchObject({
      ok: false,
      fault: 'bad-signature',
    });
    expect(checkCertificate(net.set, net.keyring, { ...cert, round: 3 })).toMatchObject({
      ok: false,
      fault: 'bad-signature',
    });
    expect(checkCertificate(net.set, net.keyring, { ...cert, blockHash: block('B') })).toMatchObject({
      ok: false,
      fault: 'bad-signature',
    });
    expect(checkCertificate(net.set, net.keyring, cert, { height: 4 })).toMatchObject({
      ok: false,
      fault: 'wrong-height',
    });
    expect(checkCertificate(net.set, net.keyring, cert, { blockHash: block('B') })).toMatchObject({
      ok: false,
      fault: 'wrong-block',
    });
  });

  it('fails with an unknown signer and with prevote signatures', () => {
    const { net, votes } = certified(n, all);
    const cert = buildCertificate(net.set, 5, 2, A, votes);
    const stranger = {
      ...cert,
      precommits: [...cert.precommits, { validator: 'mallory', signature: new Uint8Array(32) }],
    };
    expect(checkCertificate(net.set, net.keyring, stranger)).toMatchObject({
      ok: false,
      fault: 'unknown-validator',
    });
    const prevotes = all.map((i) => net.vote(i, 'prevote', 5, 2, A));
    const fromPrevotes = {
      ...cert,
      precommits: prevotes.map((v) => ({ validator: v.validator, signature: v.signature })),
    };
    expect(checkCertificate(net.set, net.keyring, fromPrevotes)).toMatchObject({
      ok: false,
      fault: 'bad-signature',
    });
  });
});
