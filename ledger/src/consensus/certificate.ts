/**
 * Commit certificates: the 2f + 1 precommits that justified a decision (Algorithm 1, line 49), in a
 * form anyone holding the genesis validator set can check offline — a light client, an auditor, or a
 * node catching up.
 */
import { voteSignBytes } from '../codec/consensus-codec.ts';
import { compareUtf8, valuesEqual } from './bytes.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import type { BlockHash, CommitCertificate, ConsensusCrypto, Height, Round, Vote } from './interface.ts';
import type { ValidatorSet } from './validator-set.ts';

/** Why a certificate does not verify. */
export type CertificateFault =
  | 'malformed'
  | 'wrong-height'
  | 'wrong-block'
  | 'unknown-validator'
  | 'duplicate-signer'
  | 'bad-signature'
  | 'insufficient-signatures';

/** Result of {@link checkCertificate}. */
export type CertificateCheck =
  | { readonly ok: true; readonly signers: number }
  | { readonly ok: false; readonly fault: CertificateFault; readonly detail: string };

/** Optional expectations a verifier has about the certificate it was given. */
export interface CertificateExpectation {
  readonly height?: Height;
  readonly blockHash?: BlockHash;
}

/**
 * Builds the certificate for `blockHash` decided in `round` from the precommits a node counted; only
 * precommits of that height, round and value are kept, sorted by validator id (the canonical order).
 * @throws {ConsensusError} `CONSENSUS_MALFORMED` if fewer than a quorum of matching precommits remain.
 */
export function buildCertificate(
  validators: ValidatorSet,
  height: Height,
  round: Round,
  blockHash: BlockHash,
  precommits: readonly Vote[],
): CommitCertificate {
  const matching = precommits.filter(
    (v) =>
      v.type === 'precommit' &&
      v.height === height &&
      v.round === round &&
      valuesEqual(v.blockHash, blockHash),
  );
  const unique = new Map(matching.map((v) => [v.validator, v] as const));
  if (unique.size < validators.quorum) {
    throw new ConsensusError(
      ConsensusErrorCode.MALFORMED,
      `${unique.size} precommits < quorum ${validators.quorum}`,
      {
        height,
        round,
      },
    );
  }
  const signers = [...unique.values()]
    .sort((a, b) => compareUtf8(a.validator, b.validator))
    .map((v) => ({ validator: v.validator, signature: Uint8Array.from(v.signature) }));
  return { height, round, blockHash: Uint8Array.from(blockHash), precommits: signers };
}

/**
 * Checks a certificate against the validator set: every entry is a known, distinct validator whose
 * precommit signature verifies over the canonical sign bytes, and there are at least a quorum
 * (2f + 1) of them. A single bad entry fails the whole certificate.
 */
export function checkCertificate(
  validators: ValidatorSet,
  crypto: Pick<ConsensusCrypto, 'verify'>,
  certificate: CommitCertificate,
  expect: CertificateExpectation = {},
): CertificateCheck {
  const fail = (fault: CertificateFault, detail: string): CertificateCheck => ({ ok: false, fault, detail });
  const { height, round, blockHash, precommits } = certificate;
  if (!Number.isSafeInteger(height) || height < 0 || !Number.isSafeInteger(round) || round < 0) {
    return fail('malformed', 'height/round');
  }
  if (!(blockHash instanceof Uint8Array) || blockHash.length !== 32 || !Array.isArray(precommits)) {
    return fail('malformed', 'block hash or precommits');
  }
  if (expect.height !== undefined && height !== expect.height) {
    return fail('wrong-height', `${height} != ${expect.height}`);
  }
  if (expect.blockHash !== undefined && !valuesEqual(blockHash, expect.blockHash)) {
    return fail('wrong-block', 'block hash differs from the expected one');
  }
  const seen = new Set<string>();
  for (const { validator, signature } of precommits) {
    if (!validators.has(validator)) return fail('unknown-validator', validator);
    if (seen.has(validator)) return fail('duplicate-signer', validator);
    seen.add(validator);
    const bytes = voteSignBytes(validators.chainId, {
      type: 'precommit',
      height,
      round,
      blockHash,
      validator,
    });
    if (!crypto.verify(validator, bytes, signature)) return fail('bad-signature', validator);
  }
  if (seen.size < validators.quorum) {
    return fail('insufficient-signatures', `${seen.size} < quorum ${validators.quorum}`);
  }
  return { ok: true, signers: seen.size };
}

/**
 * Whether `certificate` proves a decision: {@link checkCertificate} as a boolean.
 * @example
 * if (!verifyCertificate(set, crypto, cert, { height: 42 })) throw new Error('bad commit');
 */
export function verifyCertificate(
  validators: ValidatorSet,
  crypto: Pick<ConsensusCrypto, 'verify'>,
  certificate: CommitCertificate,
  expect: CertificateExpectation = {},
): boolean {
  return checkCertificate(validators, crypto, certificate, expect).ok;
}

/** The precommits of a certificate as full votes, e.g. to gossip them to a node that is behind. */
export function certificateVotes(certificate: CommitCertificate): Vote[] {
  const { height, round, blockHash } = certificate;
  return certificate.precommits.map((s) => ({
    type: 'precommit',
    height,
    round,
    blockHash,
    validator: s.validator,
    signature: s.signature,
  }));
}
