/**
 * The node-level genesis file (JSON, version 1): everything the validators of one chain must agree on
 * before block 1 — the chain id and genesis time, the validator set in proposer order (each with its
 * organisation, SM2 consensus key, libp2p peer id and the addresses its peers and clients reach it at),
 * the consensus timeouts and block limits, and the application's `GenesisDocument` (founding
 * organisations with their roles, and verification keys).
 *
 *   { "version": 1, "kind": "privgate-ledger-genesis", "chainId": "...", "genesisTime": <ms>,
 *     "validators": [{ "id", "organisation", "sm2PublicKey": hex, "peerId", "p2p": multiaddr,
 *                      "http": url, "roles"?: [...] }],
 *     "consensus": { "timeouts": { "propose": { "baseMs", "deltaMs" }, "prevote": …, "precommit": … },
 *                    "maxRoundsAhead" },
 *     "block": { "maxTxs", "maxBytes", "emptyBlockIntervalMs", "maxClockDriftMs" },
 *     "app": { "orgs": [{ "id", "publicKey": hex, "roles", "name"? }], "vkeys": [{ "circuit", "vkey": base64 }] } }
 *
 * Every validator is also an organisation of the application with the `validator` role and the same
 * key (a block's proposer must be one), and no other organisation holds that role: the consensus set
 * and the application's validator registry start identical. The set has n = 3f + 1 members, f ≥ 1.
 * The consensus set is fixed for the life of the chain; governance changes to the identity registry
 * do not change who votes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_BLOCK_TXS } from '../block/codec.ts';
import type { TimeoutConfig } from '../consensus/interface.ts';
import { ValidatorSet } from '../consensus/validator-set.ts';
import { encodeGenesis, type GenesisDocument, type GenesisOrg } from '../contracts/genesis.ts';
import { ROLES, type Role } from '../contracts/tables.ts';
import { ID_PATTERN } from '../tx/readers.ts';
import { LedgerNodeError } from './errors.ts';

/** Largest block a genesis may allow: the block limit less room for the proposal envelope. */
export const MAX_GENESIS_BLOCK_BYTES = 8 << 20;

const hex = (what: string, bytes?: number) =>
  z
    .string()
    .regex(/^(?:[0-9a-f]{2})*$/, `${what}: lower-case hex`)
    .refine((s) => bytes === undefined || s.length === 2 * bytes, `${what}: ${bytes} bytes`);
const identifier = z.string().regex(ID_PATTERN, 'an identifier: letters, digits and . _ : / -');
const roles = z.array(z.enum(ROLES)).min(1).max(ROLES.length);
const schedule = z.object({
  baseMs: z.number().int().min(1).max(600_000),
  deltaMs: z.number().int().min(1).max(600_000),
});

const ValidatorSchema = z.strictObject({
  id: identifier,
  organisation: z.string().min(1).max(256),
  sm2PublicKey: hex('sm2PublicKey', 65),
  peerId: z.string().min(1).max(128),
  p2p: z.string().regex(/^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d{1,5}$/, 'a TCP multiaddr'),
  http: z.url({ protocol: /^https?$/ }),
  /** Extra roles besides `validator` (a ministry may also be an agency). */
  roles: roles.optional(),
});

/** The zod schema of the genesis file. */
export const LedgerGenesisSchema = z.strictObject({
  version: z.literal(1),
  kind: z.literal('privgate-ledger-genesis'),
  chainId: z.string().min(1).max(64),
  genesisTime: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  validators: z.array(ValidatorSchema).min(1).max(100),
  consensus: z.strictObject({
    timeouts: z.strictObject({ propose: schedule, prevote: schedule, precommit: schedule }),
    maxRoundsAhead: z.number().int().min(1).max(10_000),
  }),
  block: z.strictObject({
    maxTxs: z.number().int().min(1).max(MAX_BLOCK_TXS),
    maxBytes: z.number().int().min(1024).max(MAX_GENESIS_BLOCK_BYTES),
    /** How long a proposer with an empty mempool waits before proposing an empty block. */
    emptyBlockIntervalMs: z.number().int().min(0).max(600_000),
    /** How far a proposed block's timestamp may lead the local clock. */
    maxClockDriftMs: z.number().int().min(0).max(600_000),
  }),
  app: z.strictObject({
    orgs: z
      .array(
        z.strictObject({
          id: identifier,
          publicKey: hex('publicKey', 65),
          roles,
          name: z.string().min(1).max(256).optional(),
        }),
      )
      .max(10_000),
    vkeys: z.array(z.strictObject({ circuit: identifier, vkey: z.base64().min(1) })).max(1000),
  }),
});

/** A parsed genesis file. */
export type LedgerGenesis = z.output<typeof LedgerGenesisSchema>;
/** One validator entry of a genesis file. */
export type GenesisValidatorEntry = LedgerGenesis['validators'][number];

/** Consensus and block parameters a local network starts with (timeouts in the spirit of Tendermint's). */
export const DEFAULT_CHAIN_PARAMS: Pick<LedgerGenesis, 'consensus' | 'block'> = {
  consensus: {
    timeouts: {
      propose: { baseMs: 3000, deltaMs: 500 },
      prevote: { baseMs: 1000, deltaMs: 500 },
      precommit: { baseMs: 1000, deltaMs: 500 },
    },
    maxRoundsAhead: 100,
  },
  block: { maxTxs: 5000, maxBytes: 4 << 20, emptyBlockIntervalMs: 1000, maxClockDriftMs: 10_000 },
};

const invalid = (message: string, context: Record<string, unknown> = {}): LedgerNodeError =>
  new LedgerNodeError('GENESIS_INVALID', `genesis: ${message}`, context);

/**
 * Validates a genesis file's JSON value: the schema, then the cross-field rules of the file header.
 * @throws {LedgerNodeError} `GENESIS_INVALID` naming the first rule broken.
 */
export function parseLedgerGenesis(value: unknown): LedgerGenesis {
  const parsed = LedgerGenesisSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(`${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      issues: parsed.error.issues.length,
    });
  }
  const g = parsed.data;
  const n = g.validators.length;
  // f ≥ 1: with one validator its own vote is a quorum, and the core would decide the next height in the
  // very step that decides this one — before the driver could build that height's block.
  if (n % 3 !== 1 || n < 4)
    throw invalid(`${n} validators: a BFT set has n = 3f + 1 ≥ 4 members (4, 7, 10, …)`);
  const unique = (what: string, values: readonly string[]) => {
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v)) throw invalid(`duplicate ${what} ${v}`);
      seen.add(v);
    }
  };
  unique(
    'validator id',
    g.validators.map((v) => v.id),
  );
  unique(
    'peer id',
    g.validators.map((v) => v.peerId),
  );
  unique(
    'p2p address',
    g.validators.map((v) => v.p2p),
  );
  unique(
    'http url',
    g.validators.map((v) => v.http),
  );
  unique('organisation id', [...g.validators.map((v) => v.id), ...g.app.orgs.map((o) => o.id)]);
  unique(
    'circuit',
    g.app.vkeys.map((v) => v.circuit),
  );
  for (const o of g.app.orgs) {
    if (o.roles.includes('validator'))
      throw invalid(`organisation ${o.id} has the validator role but is not in validators`);
  }
  if (g.block.emptyBlockIntervalMs >= g.consensus.timeouts.propose.baseMs) {
    throw invalid('block.emptyBlockIntervalMs must be below the propose timeout, or peers time out first');
  }
  try {
    encodeGenesis(genesisDocumentOf(g));
  } catch (err) {
    throw invalid(err instanceof Error ? err.message : String(err));
  }
  return g;
}

/**
 * Reads and validates a genesis file.
 * @throws {LedgerNodeError} `GENESIS_INVALID` for an unreadable, non-JSON or invalid file.
 */
export function readLedgerGenesis(path: string): LedgerGenesis {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw invalid(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, { path });
  }
  return parseLedgerGenesis(value);
}

/** Writes a genesis file (validated first). @throws {LedgerNodeError} `GENESIS_INVALID`. */
export function writeLedgerGenesis(path: string, genesis: LedgerGenesis): void {
  const checked = parseLedgerGenesis(genesis);
  writeFileSync(path, `${JSON.stringify(checked, null, 2)}\n`);
}

const bytes = (hexText: string): Uint8Array => Uint8Array.from(Buffer.from(hexText, 'hex'));

/** The application's genesis document: validators as `validator` organisations, then the other orgs. */
export function genesisDocumentOf(g: LedgerGenesis): GenesisDocument {
  const validatorOrgs: GenesisOrg[] = g.validators.map((v) => ({
    id: v.id,
    publicKey: bytes(v.sm2PublicKey),
    roles: [...new Set<Role>(['validator', ...(v.roles ?? [])])].sort(),
    name: v.organisation,
  }));
  const others: GenesisOrg[] = g.app.orgs.map((o) => ({
    id: o.id,
    publicKey: bytes(o.publicKey),
    roles: [...new Set(o.roles)].sort(),
    ...(o.name === undefined ? {} : { name: o.name }),
  }));
  return {
    chainId: g.chainId,
    timestamp: g.genesisTime,
    orgs: [...validatorOrgs, ...others],
    vkeys: g.app.vkeys.map((v) => ({
      circuit: v.circuit,
      vkey: new Uint8Array(Buffer.from(v.vkey, 'base64')),
    })),
  };
}

/** The consensus validator set (genesis order is the proposer rotation). */
export function validatorSetOf(g: LedgerGenesis): ValidatorSet {
  return new ValidatorSet({
    chainId: g.chainId,
    validators: g.validators.map((v) => ({ id: v.id, publicKey: bytes(v.sm2PublicKey) })),
  });
}

/** The consensus timeouts of a genesis. */
export function timeoutsOf(g: LedgerGenesis): TimeoutConfig {
  return g.consensus.timeouts;
}
