/**
 * Test consortium: deterministic SM2 keys (TEST ONLY: the private key is SM3 of the name), a genesis with
 * one validator, four ministry gateways and two agencies, the circuits' verification keys registered, and
 * a LocalLedger in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sm2Signer, sm3 } from '@privgate/accel';
import { type CircuitName, readArtifact } from '@privgate/circuits';
import { datasetAnchorPayload, type GenesisDocument, type Role } from '@privgate/ledger';
import { LocalLedger } from '../../src/ledger-client/index.ts';

export const CHAIN_ID = 'privgate-gateway-test';

const signers = new Map<string, Sm2Signer>();
/** TEST ONLY: a signer whose private key is SM3 of the name. */
export function testSigner(name: string): Sm2Signer {
  let s = signers.get(name);
  if (s === undefined) {
    s = new Sm2Signer(sm3(new TextEncoder().encode(`privgate-gateway-test-key/${name}`)));
    signers.set(name, s);
  }
  return s;
}

export const GATEWAYS = {
  market: 'gw-market',
  tax: 'gw-tax',
  customs: 'gw-customs',
  bank: 'gw-bank',
} as const;

export const AGENCIES = { credit: 'agency-credit', rogue: 'agency-rogue' } as const;
export const VALIDATOR = 'val-1';

/** Circuits whose keys genesis registers. */
export const QUERY_CIRCUITS: CircuitName[] = [
  'record_inclusion',
  'record_inclusion_batch',
  'share_binding',
  'share_binding_batch',
];

export async function consortiumGenesis(
  extra: { id: string; roles: Role[] }[] = [],
): Promise<GenesisDocument> {
  const orgs: { id: string; roles: Role[] }[] = [
    { id: VALIDATOR, roles: ['validator'] },
    ...Object.values(GATEWAYS).map((id) => ({ id, roles: ['gateway'] as Role[] })),
    ...Object.values(AGENCIES).map((id) => ({ id, roles: ['agency'] as Role[] })),
    ...extra,
  ];
  const vkeys = await Promise.all(
    QUERY_CIRCUITS.map(async (circuit) => ({ circuit, vkey: await readArtifact(circuit, 'vkey') })),
  );
  return {
    chainId: CHAIN_ID,
    timestamp: Date.now() - 60_000,
    orgs: orgs.map((o) => ({ id: o.id, publicKey: testSigner(o.id).publicKey, roles: o.roles })),
    vkeys,
  };
}

/** A temporary directory and its removal. */
export function tempDir(label: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `privgate-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A LocalLedger on a fresh directory with the consortium genesis. */
export async function openTestLedger(dir: string): Promise<LocalLedger> {
  return LocalLedger.open({ chainId: CHAIN_ID, dir, genesis: await consortiumGenesis(), sync: false });
}

/** A dataset anchor of 3 records with fixed schema hash and root, for ledger-level tests. */
export const testAnchorPayload = (dataset: string, version: number) =>
  datasetAnchorPayload({
    dataset,
    schemaHash: new Uint8Array(32).fill(1),
    recordCount: 3,
    poseidonRoot: new Uint8Array(32).fill(2),
    version,
  });
