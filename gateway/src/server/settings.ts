/**
 * What a running gateway needs beyond the validated configuration: every default filled in, the secrets
 * read (the ledger key file, the subject key, the operator token, the libp2p key), and every missing or
 * unreadable one reported at once as `CONFIG_INVALID`, so an operator fixes the configuration in one go.
 *
 * Secret files must not be readable by group or others (mode 0600), as ssh requires of its keys.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Sm2Signer } from '@privgate/accel';
import { newPeerKey, readKeyFile } from '@privgate/ledger';
import type { z } from 'zod';
import { MIN_SUBJECT_KEY_BYTES } from '../commitments/index.ts';
import { type GatewayConfig, GatewayTimeoutsSchema } from '../config.ts';
import { formatInvalidFields, GatewayError, type InvalidField } from '../errors.ts';

/** The default dataset of ownership edges. */
export const DEFAULT_OWNERSHIP_DATASET = 'market.ownership';

/** Where the ledger is. */
export type LedgerSettings =
  | { kind: 'urls'; urls: string[]; chainId?: string }
  | { kind: 'local'; dir: string; genesisFile: string }
  /** A ledger client handed to `startGateway`. */
  | { kind: 'injected' };

/** A running gateway's settings, secrets included (never log this object whole). */
export interface GatewaySettings {
  config: GatewayConfig;
  orgId: string;
  /** The organisation's ledger signing key. */
  signer: Sm2Signer;
  /** The libp2p private key (protobuf bytes). */
  peerKey: Uint8Array;
  ledger: LedgerSettings;
  p2p: { listen: string[]; announce?: string[] };
  peers: { orgId: string; url: string }[];
  ownershipDataset: string;
  resolver?: { ownedField: string; registryDataset: string };
  proverWorkers: number;
  poseidonWorkers: number;
  subjectKey: Uint8Array;
  operatorToken: string;
  /** Set when the token was generated: the file it was written to. */
  operatorTokenCreated?: string;
  consoleDir?: string;
  timeouts: z.output<typeof GatewayTimeoutsSchema>;
}

export interface ResolveSettingsOptions {
  /** Default `process.env` (`PRIVGATE_KEY_PASSPHRASE`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** True when the caller provides the ledger client, so `ledger` may be absent. */
  ledgerInjected?: boolean;
}

/**
 * Resolves a configuration into the settings of a running gateway.
 * @throws {GatewayError} `CONFIG_INVALID` listing every missing or unreadable setting.
 */
export async function resolveSettings(
  config: GatewayConfig,
  options: ResolveSettingsOptions = {},
): Promise<GatewaySettings> {
  const env = options.env ?? process.env;
  const errors: InvalidField[] = [];
  const problem = (path: string, message: string) => errors.push({ in: 'config', path, message });
  const orgId = config.orgId ?? config.ministryId;

  let signer: Sm2Signer | undefined;
  let filePeerKey: Uint8Array | undefined;
  if (config.keyFile === undefined) problem('keyFile', 'is required to run a gateway (its ledger key)');
  else {
    try {
      const keys = readKeyFile(config.keyFile, nonEmpty(env.PRIVGATE_KEY_PASSPHRASE));
      if (keys.id !== orgId) problem('keyFile', `holds the key of ${keys.id}, not of ${orgId}`);
      else {
        signer = new Sm2Signer(keys.sm2PrivateKey);
        if (keys.peerKey.length > 0) filePeerKey = keys.peerKey;
      }
      keys.sm2PrivateKey.fill(0);
    } catch (err) {
      problem('keyFile', describe(err));
    }
  }

  let ledger: LedgerSettings | undefined;
  if (options.ledgerInjected) ledger = { kind: 'injected' };
  else if (config.ledger?.urls !== undefined) {
    ledger = { kind: 'urls', urls: config.ledger.urls };
    if (config.ledger.chainId !== undefined) ledger.chainId = config.ledger.chainId;
  } else if (config.ledger?.local !== undefined) ledger = { kind: 'local', ...config.ledger.local };
  else problem('ledger', 'is required to run a gateway (set ledger.urls, or ledger.local for development)');

  let subjectKey: Uint8Array | undefined;
  if (config.subjectKey !== undefined && config.subjectKeyFile !== undefined) {
    problem('subjectKey', 'set either subjectKey or subjectKeyFile, not both');
  } else if (config.subjectKey !== undefined) {
    subjectKey = Uint8Array.from(Buffer.from(config.subjectKey, 'hex'));
  } else if (config.subjectKeyFile !== undefined) {
    try {
      const text = readSecretFile(config.subjectKeyFile).trim();
      if (!/^([0-9a-fA-F]{2})+$/.test(text) || text.length / 2 < MIN_SUBJECT_KEY_BYTES || text.length > 128) {
        problem('subjectKeyFile', `must hold ${MIN_SUBJECT_KEY_BYTES}-64 bytes in hex`);
      } else subjectKey = Uint8Array.from(Buffer.from(text, 'hex'));
    } catch (err) {
      problem('subjectKeyFile', describe(err));
    }
  } else {
    problem(
      'subjectKey',
      'is required to run a gateway (subjectKeyFile, subjectKey or PRIVGATE_SUBJECT_KEY)',
    );
  }

  let operatorToken: string | undefined;
  let operatorTokenCreated: string | undefined;
  if (config.operatorToken !== undefined && config.operatorTokenFile !== undefined) {
    problem('operatorToken', 'set either operatorToken or operatorTokenFile, not both');
  } else if (config.operatorToken !== undefined) {
    operatorToken = config.operatorToken;
  } else {
    const file = config.operatorTokenFile ?? join(resolve(config.dataDir), 'operator.token');
    try {
      if (config.operatorTokenFile === undefined && !existsSync(file)) {
        writeSecretFile(file, `${randomBytes(32).toString('base64url')}\n`);
        operatorTokenCreated = file;
      }
      operatorToken = readSecretFile(file).trim();
      if (operatorToken.length < 16 || operatorToken.length > 512) {
        problem(
          config.operatorTokenFile === undefined ? 'dataDir' : 'operatorTokenFile',
          `${file} must hold a token of 16-512 characters`,
        );
      }
    } catch (err) {
      problem(config.operatorTokenFile === undefined ? 'dataDir' : 'operatorTokenFile', describe(err));
    }
  }

  let peerKey = filePeerKey;
  if (peerKey === undefined) {
    const file = config.p2p?.keyFile ?? join(resolve(config.dataDir), 'peer.key');
    try {
      peerKey = await loadOrCreatePeerKey(file);
    } catch (err) {
      problem(config.p2p?.keyFile === undefined ? 'dataDir' : 'p2p.keyFile', describe(err));
    }
  }

  const selfPeer = config.peers?.findIndex((p) => p.orgId === orgId) ?? -1;
  if (selfPeer >= 0) problem(`peers.${selfPeer}.orgId`, `is this gateway (${orgId}) itself`);

  if (errors.length > 0 || signer === undefined || ledger === undefined || subjectKey === undefined) {
    throw new GatewayError(
      'CONFIG_INVALID',
      `cannot run the gateway (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n${formatInvalidFields(errors)}`,
      { errors },
    );
  }
  const settings: GatewaySettings = {
    config,
    orgId,
    signer,
    peerKey: peerKey!,
    ledger,
    p2p: { listen: config.p2p?.listen ?? ['/ip4/127.0.0.1/tcp/0'] },
    peers: config.peers ?? [],
    ownershipDataset: config.ownershipDataset ?? DEFAULT_OWNERSHIP_DATASET,
    proverWorkers: config.provers?.workers ?? 1,
    poseidonWorkers: config.poseidon?.workers ?? 1,
    subjectKey,
    operatorToken: operatorToken!,
    timeouts: config.timeouts ?? GatewayTimeoutsSchema.parse({}),
  };
  if (config.p2p?.announce !== undefined) settings.p2p.announce = config.p2p.announce;
  if (config.resolver !== undefined) settings.resolver = config.resolver;
  if (operatorTokenCreated !== undefined) settings.operatorTokenCreated = operatorTokenCreated;
  if (config.consoleDir !== undefined) settings.consoleDir = resolve(config.consoleDir);
  return settings;
}

/**
 * Reads a secret file, refusing one that group or others may read.
 * @throws {Error} naming the problem (missing, permissions).
 */
export function readSecretFile(path: string): string {
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(`${path} is accessible by group or others (mode ${mode.toString(8)}); chmod 600 it`);
  }
  return readFileSync(path, 'utf8');
}

/** Writes a secret file with mode 0600 (its directory created 0700 when missing). */
export function writeSecretFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The libp2p key in `file` (hex of the protobuf bytes), created when missing: a stable peer id. */
async function loadOrCreatePeerKey(file: string): Promise<Uint8Array> {
  if (!existsSync(file)) {
    const { peerKey } = await newPeerKey();
    writeSecretFile(file, `${Buffer.from(peerKey).toString('hex')}\n`);
  }
  const text = readSecretFile(file).trim();
  if (!/^([0-9a-f]{2})+$/.test(text)) throw new Error(`${file} does not hold a libp2p key in hex`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function describe(err: unknown): string {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) {
    return `cannot be read (${err.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}
