/**
 * The properties every schedule must satisfy, checked on the records of a finished run:
 * safety (agreement), validity, verifiable certificates, no double-signing by honest validators,
 * evidence that verifies and accuses only Byzantine validators, and liveness after GST.
 */
import { decodeCertificate, encodeCertificate } from '../../src/codec/index.ts';
import { toHex } from '../../src/consensus/bytes.ts';
import { checkCertificate, verifyEvidence } from '../../src/consensus/index.ts';
import type { World } from './world.ts';

/** Liveness facts measured by the run loop. */
export interface LivenessReport {
  /** Height every honest node had to reach: the highest decided at GST plus k. */
  readonly targetHeight: number;
  /** Simulated ms after GST when the last honest node reached it, or undefined if it did not in time. */
  readonly reachedAfterGstMs: number | undefined;
}

/** Violations found in a finished run (empty if it is correct). */
export function checkInvariants(world: World, liveness: LivenessReport): string[] {
  const violations: string[] = [];
  const byHeight = new Map<number, string>();
  const verify = { verify: world.keyring.verify.bind(world.keyring) };

  for (const d of world.decisions) {
    const hash = toHex(d.blockHash);
    // Safety: no two honest nodes (nor one node before and after a restart) decide differently.
    const first = byHeight.get(d.height);
    if (first === undefined) byHeight.set(d.height, hash);
    else if (first !== hash)
      violations.push(
        `SAFETY: v${d.node} decided ${hash.slice(0, 12)} at h${d.height}, another honest node ${first.slice(0, 12)}`,
      );
    // Validity: a decided block passed the application's validation.
    if (!world.registry.isValid(d.blockHash)) {
      const why = world.registry.isMarkedInvalid(d.blockHash) ? 'marked invalid' : 'unknown';
      violations.push(`VALIDITY: v${d.node} decided a block ${why} at h${d.height}`);
    }
    // Certificates verify offline with ≥ 2f+1 distinct valid signatures, and survive the codec.
    const check = checkCertificate(world.validators, verify, d.certificate, {
      height: d.height,
      blockHash: d.blockHash,
    });
    if (!check.ok) violations.push(`CERTIFICATE: v${d.node} h${d.height}: ${check.fault} (${check.detail})`);
    else if (check.signers < world.validators.quorum)
      violations.push(`CERTIFICATE: v${d.node} h${d.height}: ${check.signers} signers`);
    const again = decodeCertificate(encodeCertificate(d.certificate));
    if (!checkCertificate(world.validators, verify, again, { height: d.height }).ok) {
      violations.push(`CERTIFICATE: v${d.node} h${d.height} does not survive encode/decode`);
    }
  }

  for (const line of world.honestDoubleSigns) violations.push(`DOUBLE-SIGN: ${line}`);

  for (const { reporter, evidence } of world.evidence) {
    if (!verifyEvidence(world.validators, verify, evidence)) {
      violations.push(`EVIDENCE: v${reporter} reported evidence that does not verify`);
    }
    const accused = world.validators.indexOf(evidence.validator);
    if (world.isHonest(accused))
      violations.push(`EVIDENCE: v${reporter} accused honest ${evidence.validator}`);
  }

  if (liveness.reachedAfterGstMs === undefined) {
    const behind = world.nodes
      .filter((n) => world.isHonest(n.index) && n.lastDecided < liveness.targetHeight)
      .map((n) => `v${n.index}@h${n.lastDecided}`);
    violations.push(
      `LIVENESS: not every honest node decided h${liveness.targetHeight} within ${world.scenario.livenessBoundMs}ms after GST (${behind.join(', ')})`,
    );
  }
  return violations;
}
