/**
 * The genesis document: the chain id, the genesis time, the founding organisations (with at least one
 * validator) and optionally the first verification keys. Its canonical encoding
 *
 *   [1, chainId, timestamp, [[orgId, publicKey, roles, name / null], ...], [[circuit, vkey], ...]]
 *
 * is hashed into the genesis block's prevHash, so two nodes started from different documents have
 * different genesis hashes.
 */
import { parseSm2PublicKey, sm3 } from '@privgate/accel';
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  readBytes,
  readInt,
  readList,
  readText,
  readTuple,
} from '../codec/canonical.ts';
import type { StateOverlay } from '../state/overlay.ts';
import { toHex } from '../tx/bytes.ts';
import { MAX_CHAIN_ID_BYTES } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { readFreeText, readIdentifier, readUint } from '../tx/readers.ts';
import {
  encodeOrg,
  encodeValidators,
  encodeVkey,
  orgKey,
  type Role,
  readRoles,
  validatorsKey,
  vkeyBytesKey,
  vkeyKey,
} from './tables.ts';
import { MAX_VKEY_BYTES } from './vkey-registry.ts';

/** A founding organisation. */
export interface GenesisOrg {
  readonly id: string;
  /** SEC1 uncompressed SM2 public key (65 bytes). */
  readonly publicKey: Uint8Array;
  readonly roles: readonly Role[];
  readonly name?: string;
}

/** A verification key registered at genesis. */
export interface GenesisVkey {
  readonly circuit: string;
  readonly vkey: Uint8Array;
}

/** What a chain starts from. */
export interface GenesisDocument {
  readonly chainId: string;
  readonly timestamp: number;
  readonly orgs: readonly GenesisOrg[];
  readonly vkeys?: readonly GenesisVkey[];
}

const invalid = (message: string): LedgerError => new LedgerError('GENESIS_INVALID', message);

/** Canonical encoding of a genesis document. @throws {LedgerError} `GENESIS_INVALID`. */
export function encodeGenesis(doc: GenesisDocument): Uint8Array {
  const orgs = [...doc.orgs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const vkeys = [...(doc.vkeys ?? [])].sort((a, b) =>
    a.circuit < b.circuit ? -1 : a.circuit > b.circuit ? 1 : 0,
  );
  let bytes: Uint8Array;
  try {
    bytes = encodeCanonical([
      1,
      doc.chainId,
      doc.timestamp,
      orgs.map((o): CborValue => [o.id, o.publicKey, [...o.roles].sort(), o.name ?? null]),
      vkeys.map((v): CborValue => [v.circuit, v.vkey]),
    ]);
  } catch (err) {
    throw invalid(err instanceof Error ? err.message : String(err));
  }
  decodeGenesis(bytes);
  return bytes;
}

/** Decodes and validates a genesis document. @throws {LedgerError} `GENESIS_INVALID`. */
export function decodeGenesis(bytes: Uint8Array): GenesisDocument {
  let doc: GenesisDocument;
  try {
    const f = readTuple(decodeCanonical(bytes, 16 << 20, 'genesis'), 5, 'genesis');
    readInt(f[0], 1, 1, 'genesis.version');
    const orgs = readList(f[3], 10_000, 'genesis.orgs').map((o, i): GenesisOrg => {
      const t = readTuple(o, 4, `genesis.orgs[${i}]`);
      const name = t[3] === null ? undefined : readFreeText(t[3], 256, 'org.name');
      return {
        id: readIdentifier(t[0], 'org.id'),
        publicKey: readBytes(t[1], 65, 65, 'org.publicKey'),
        roles: readRoles(t[2], 'org.roles', false),
        ...(name === undefined ? {} : { name }),
      };
    });
    const vkeys = readList(f[4], 1000, 'genesis.vkeys').map((v, i): GenesisVkey => {
      const t = readTuple(v, 2, `genesis.vkeys[${i}]`);
      return {
        circuit: readIdentifier(t[0], 'vkey.circuit'),
        vkey: readBytes(t[1], 1, MAX_VKEY_BYTES, 'vkey.bytes'),
      };
    });
    doc = {
      chainId: readText(f[1], MAX_CHAIN_ID_BYTES, 'genesis.chainId'),
      timestamp: readUint(f[2], 'genesis.timestamp'),
      orgs,
      vkeys,
    };
  } catch (err) {
    throw invalid(err instanceof Error ? err.message : String(err));
  }
  for (let i = 1; i < doc.orgs.length; i++)
    if (!(doc.orgs[i - 1]!.id < doc.orgs[i]!.id)) throw invalid('orgs must have distinct ids');
  const circuits = (doc.vkeys ?? []).map((v) => v.circuit);
  if (new Set(circuits).size !== circuits.length) throw invalid('vkeys must have distinct circuits');
  for (const o of doc.orgs) {
    try {
      parseSm2PublicKey(o.publicKey);
    } catch {
      throw invalid(`public key of ${o.id} is not an SM2 point`);
    }
  }
  if (!doc.orgs.some((o) => o.roles.includes('validator')))
    throw invalid('genesis needs at least one validator');
  return doc;
}

/** Writes the genesis state into an empty store's overlay. */
export function applyGenesis(state: StateOverlay, doc: GenesisDocument): void {
  for (const o of doc.orgs) {
    state.put(
      orgKey(o.id),
      encodeOrg({ id: o.id, publicKey: o.publicKey, roles: o.roles, version: 1, name: o.name ?? null }),
    );
  }
  state.put(
    validatorsKey,
    encodeValidators(doc.orgs.filter((o) => o.roles.includes('validator')).map((o) => o.id)),
  );
  const stored = new Set<string>();
  for (const v of doc.vkeys ?? []) {
    const vkeyHash = sm3(v.vkey);
    state.put(vkeyKey(v.circuit), encodeVkey({ circuit: v.circuit, vkeyHash, version: 1 }));
    // Two circuits may share a key: its bytes are stored once.
    if (!stored.has(toHex(vkeyHash))) state.append(vkeyBytesKey(vkeyHash), v.vkey);
    stored.add(toHex(vkeyHash));
  }
}
