/**
 * A local network of validators on one machine (development, tests, benchmarks): a genesis with n
 * validators on 127.0.0.1 (p2p on `basePort + i`, HTTP on `basePort + 100 + i`, i from 1), optional
 * non-validator organisations and verification keys, and 0600 key files for every node and organisation.
 *
 * With a `seed`, keys are derived from it (SM2 private key = SM3("privgate-local/<seed>/<id>/sm2"), the
 * libp2p Ed25519 key from SM3(".../peer")), so the same command gives the same network; without one
 * they are random. Layout written by {@link writeLocalNetwork}:
 *
 *   <dir>/genesis.json
 *   <dir>/<validator-id>/key.json          the validator's keys (its data goes beside it)
 *   <dir>/orgs/<org-id>.key.json           keys of the other organisations (to sign their transactions)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSm2KeyPair, getSm2PublicKey, parseSm2PrivateKey, sm3 } from '@privgate/accel';
import type { Role } from '../contracts/tables.ts';
import { newPeerKey } from '../net/network.ts';
import { utf8 } from '../tx/bytes.ts';
import {
  DEFAULT_CHAIN_PARAMS,
  type LedgerGenesis,
  parseLedgerGenesis,
  writeLedgerGenesis,
} from './genesis.ts';
import { type NodeKeys, writeKeyFile } from './key-file.ts';

/** A non-validator organisation to seed. */
export interface LocalOrg {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly name?: string;
}

/** Options of {@link createLocalNetwork}. */
export interface LocalNetworkOptions {
  readonly validators: number;
  readonly chainId?: string;
  readonly host?: string;
  readonly basePort?: number;
  /** Derive every key from this string (reproducible networks). */
  readonly seed?: string;
  readonly orgs?: readonly LocalOrg[];
  readonly vkeys?: readonly { readonly circuit: string; readonly vkey: Uint8Array }[];
  readonly genesisTime?: number;
  /** Overrides of the consensus and block parameters. */
  readonly params?: Partial<Pick<LedgerGenesis, 'consensus' | 'block'>>;
  /** Validator names (default `validator-<i>`) and organisation labels. */
  readonly validatorId?: (i: number) => string;
}

/** An organisation's keys (SM2 only: organisations sign transactions, they run no node). */
export interface OrgKeys {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly sm2PrivateKey: Uint8Array;
  readonly sm2PublicKey: Uint8Array;
}

/** A generated network. */
export interface LocalNetwork {
  readonly genesis: LedgerGenesis;
  readonly validators: readonly NodeKeys[];
  readonly orgs: readonly OrgKeys[];
}

function derivedSm2(seed: string, id: string): { privateKey: Uint8Array; publicKey: Uint8Array } {
  for (let i = 0; ; i++) {
    const privateKey = sm3(utf8(`privgate-local/${seed}/${id}/sm2${i === 0 ? '' : `/${i}`}`));
    try {
      parseSm2PrivateKey(privateKey);
      return { privateKey, publicKey: getSm2PublicKey(privateKey) };
    } catch {
      // out of range (probability ≈ 2^-32): derive again
    }
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Generates the genesis and keys of a local network.
 * @throws {LedgerNodeError} `GENESIS_INVALID` (e.g. a validator count that is not 3f + 1).
 * @example
 * const net = await createLocalNetwork({ validators: 4, basePort: 7100, seed: 'demo' });
 */
export async function createLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const host = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? 7100;
  const name = options.validatorId ?? ((i: number) => `validator-${i}`);
  const sm2 = (id: string) => {
    if (options.seed !== undefined) return derivedSm2(options.seed, id);
    const pair = generateSm2KeyPair();
    return { privateKey: pair.privateKey, publicKey: pair.publicKey };
  };
  const validators: NodeKeys[] = [];
  for (let i = 1; i <= options.validators; i++) {
    const id = name(i);
    const key = sm2(id);
    const peer = await newPeerKey(
      options.seed === undefined ? undefined : sm3(utf8(`privgate-local/${options.seed}/${id}/peer`)),
    );
    validators.push({
      id,
      sm2PrivateKey: key.privateKey,
      sm2PublicKey: key.publicKey,
      peerKey: peer.peerKey,
      peerId: peer.peerId,
    });
  }
  const orgs: OrgKeys[] = (options.orgs ?? []).map((o) => {
    const key = sm2(o.id);
    return { id: o.id, roles: o.roles, sm2PrivateKey: key.privateKey, sm2PublicKey: key.publicKey };
  });
  const params = { ...DEFAULT_CHAIN_PARAMS, ...options.params };
  const genesis = parseLedgerGenesis({
    version: 1,
    kind: 'privgate-ledger-genesis',
    chainId: options.chainId ?? 'privgate-local',
    genesisTime: options.genesisTime ?? Date.now(),
    validators: validators.map((v, i) => ({
      id: v.id,
      organisation: `Ministry ${i + 1}`,
      sm2PublicKey: hex(v.sm2PublicKey),
      peerId: v.peerId,
      p2p: `/ip4/${host}/tcp/${basePort + i + 1}`,
      http: `http://${host}:${basePort + 100 + i + 1}`,
    })),
    consensus: params.consensus,
    block: params.block,
    app: {
      orgs: orgs.map((o, i) => ({
        id: o.id,
        publicKey: hex(o.sm2PublicKey),
        roles: [...o.roles].sort(),
        ...(options.orgs?.[i]?.name === undefined ? {} : { name: options.orgs[i]!.name }),
      })),
      vkeys: (options.vkeys ?? []).map((v) => ({
        circuit: v.circuit,
        vkey: Buffer.from(v.vkey).toString('base64'),
      })),
    },
  });
  return { genesis, validators, orgs };
}

/** Paths of a local network's files. */
export const localPaths = {
  genesis: (dir: string): string => join(dir, 'genesis.json'),
  nodeDir: (dir: string, id: string): string => join(dir, id),
  nodeKey: (dir: string, id: string): string => join(dir, id, 'key.json'),
  orgKey: (dir: string, id: string): string => join(dir, 'orgs', `${id}.key.json`),
};

/** Writes a local network's genesis and key files (0600) under `dir`. */
export function writeLocalNetwork(dir: string, net: LocalNetwork): void {
  mkdirSync(dir, { recursive: true });
  writeLedgerGenesis(localPaths.genesis(dir), net.genesis);
  for (const v of net.validators) {
    mkdirSync(localPaths.nodeDir(dir, v.id), { recursive: true, mode: 0o700 });
    writeKeyFile(localPaths.nodeKey(dir, v.id), v);
  }
  if (net.orgs.length > 0) mkdirSync(join(dir, 'orgs'), { recursive: true, mode: 0o700 });
  for (const o of net.orgs) {
    // Organisations run no node: their peer fields are placeholders the key-file format requires.
    writeKeyFile(localPaths.orgKey(dir, o.id), {
      id: o.id,
      sm2PrivateKey: o.sm2PrivateKey,
      sm2PublicKey: o.sm2PublicKey,
      peerKey: new Uint8Array(0),
      peerId: 'none',
    });
  }
}
