// The node-level genesis file: what a local network writes validates and round-trips; each cross-field
// rule refuses what breaks it with GENESIS_INVALID.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeGenesis } from '../../src/contracts/genesis.ts';
import {
  genesisDocumentOf,
  type LedgerGenesis,
  parseLedgerGenesis,
  readLedgerGenesis,
  validatorSetOf,
  writeLedgerGenesis,
} from '../../src/node/genesis.ts';
import { readKeyFile } from '../../src/node/key-file.ts';
import { createLocalNetwork, localPaths, writeLocalNetwork } from '../../src/node/local-network.ts';

const clone = (g: LedgerGenesis): LedgerGenesis => JSON.parse(JSON.stringify(g));
const refused = (g: unknown, message: RegExp) =>
  expect(() => parseLedgerGenesis(g)).toThrow(
    expect.objectContaining({ code: 'GENESIS_INVALID', message: expect.stringMatching(message) }),
  );

describe('ledger genesis file', () => {
  it('builds 4- and 7-validator networks whose genesis validates and round-trips', async () => {
    for (const n of [4, 7]) {
      const net = await createLocalNetwork({
        validators: n,
        seed: 'g',
        orgs: [{ id: 'gw-1', roles: ['gateway'] }],
      });
      const set = validatorSetOf(net.genesis);
      expect(set.n).toBe(n);
      expect(set.quorum).toBe(n === 4 ? 3 : 5);
      const doc = genesisDocumentOf(net.genesis);
      expect(doc.orgs.filter((o) => o.roles.includes('validator'))).toHaveLength(n);
      expect(doc.orgs.find((o) => o.id === 'validator-1')?.name).toBe('Ministry 1');
      expect(encodeGenesis(doc).length).toBeGreaterThan(0);
      expect(parseLedgerGenesis(JSON.parse(JSON.stringify(net.genesis)))).toEqual(net.genesis);
    }
  });

  it('derives the same keys from the same seed, and writes 0600 key files', async () => {
    const a = await createLocalNetwork({ validators: 4, seed: 'same', genesisTime: 1 });
    const b = await createLocalNetwork({ validators: 4, seed: 'same', genesisTime: 1 });
    expect(b.genesis).toEqual(a.genesis);
    const dir = mkdtempSync(join(tmpdir(), 'privgate-genesis-'));
    try {
      writeLocalNetwork(dir, a);
      expect(readLedgerGenesis(localPaths.genesis(dir))).toEqual(a.genesis);
      const key = readKeyFile(localPaths.nodeKey(dir, 'validator-2'));
      expect(key.peerId).toBe(a.genesis.validators[1]!.peerId);
      writeLedgerGenesis(join(dir, 'copy.json'), a.genesis);
      expect(JSON.parse(readFileSync(join(dir, 'copy.json'), 'utf8'))).toEqual(a.genesis);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what breaks a rule', async () => {
    const { genesis } = await createLocalNetwork({ validators: 4, seed: 'r' });
    refused({ ...genesis, version: 2 }, /version/);
    refused({ ...genesis, validators: genesis.validators.slice(0, 3) }, /3f \+ 1/);
    refused({ ...genesis, validators: genesis.validators.slice(0, 1) }, /3f \+ 1/);
    const dupPeer = clone(genesis);
    dupPeer.validators[1]!.peerId = dupPeer.validators[0]!.peerId;
    refused(dupPeer, /duplicate peer id/);
    const badKey = clone(genesis);
    badKey.validators[0]!.sm2PublicKey = `04${'00'.repeat(64)}`;
    refused(badKey, /not an SM2 point/);
    const rogue = clone(genesis);
    rogue.app.orgs.push({
      id: 'rogue',
      publicKey: genesis.validators[0]!.sm2PublicKey,
      roles: ['validator'],
    });
    refused(rogue, /validator role/);
    const slow = clone(genesis);
    slow.block.emptyBlockIntervalMs = slow.consensus.timeouts.propose.baseMs;
    refused(slow, /emptyBlockIntervalMs/);
    const extra = { ...clone(genesis), surprise: true };
    refused(extra, /surprise|Unrecognized/);
    refused({ ...genesis, chainId: '' }, /chainId/);
  });
});
