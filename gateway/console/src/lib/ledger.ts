/**
 * The ledger as the console reads it: through the serving gateway's read-only ledger routes
 * (`/ledger/v1/...`, the validator API's JSON), with the gateway's own `HttpLedgerClient` for the records
 * and plain requests for blocks, which the console decodes itself (`parseTx`), so what it lists is what
 * the transaction bytes say.
 */
import { sm3 } from '@privgate/accel';
import {
  type AuditEntry,
  fromHex,
  type ParsedTx,
  parseTx,
  TxKind,
  toHex,
  txKindName,
} from '@privgate/ledger';
import { HttpLedgerClient } from '../../../src/ledger-client/http-ledger.ts';

/** Base of the gateway's read-only ledger routes. */
export const LEDGER_BASE = '/ledger';

/** The page's origin (this module also runs in Node tests, which pass an origin instead). */
const pageOrigin = (): string => (globalThis as { location?: { origin: string } }).location?.origin ?? '';

/** Connects the gateway's ledger client to `<origin>/ledger`. */
export function connectLedger(origin: string = pageOrigin()): Promise<HttpLedgerClient> {
  return HttpLedgerClient.connect({ urls: [`${origin}${LEDGER_BASE}`], requestTimeoutMs: 15_000 });
}

/** A block's header as the validator API writes it. */
export interface BlockHeaderJson {
  version: number;
  chainId: string;
  height: number;
  prevHash: string;
  timestamp: number;
  proposer: string;
  txRoot: string;
  stateRoot: string;
  txCount: number;
}

/** One transaction of a block, decoded in the browser. */
export interface BlockTx {
  id: string;
  kind: string;
  sender: string;
  nonce: number;
  timestamp: number;
  bytes: number;
  /** The typed payload, or why it does not parse. */
  parsed: ParsedTx | { error: string };
}

/** A block, its transactions decoded. */
export interface DecodedBlock {
  height: number;
  hash: string;
  header: BlockHeaderJson;
  txs: BlockTx[];
  /** Whether the block came with a commit certificate (a multi-validator ledger). */
  certified: boolean;
}

/** Largest block answer read, in bytes. */
const MAX_BLOCK_BYTES = 16 << 20;

/**
 * Reads and decodes a block (`'latest'` or a height); undefined when there is none.
 * @throws {Error} when the gateway cannot answer or the block does not hold together (a transaction id
 *   that is not the SM3 of its bytes, another chain).
 */
export async function readBlock(
  height: number | 'latest',
  chainId: string,
  origin: string = pageOrigin(),
): Promise<DecodedBlock | undefined> {
  // The gateway answers these with Cache-Control: no-store.
  const res = await fetch(`${origin}${LEDGER_BASE}/v1/blocks/${height}`, {
    headers: { accept: 'application/json' },
  });
  if (res.status === 404) return undefined;
  const text = await res.text();
  if (text.length > MAX_BLOCK_BYTES) throw new Error('block answer too large');
  const body = JSON.parse(text) as {
    height: number;
    hash: string;
    header: BlockHeaderJson;
    txIds: string[];
    txs: string[];
    certificate?: unknown;
    detail?: string;
  };
  if (!res.ok) throw new Error(body.detail ?? `HTTP ${res.status}`);
  if (body.header.chainId !== chainId)
    throw new Error(`block of chain ${body.header.chainId}, not ${chainId}`);
  const txs = body.txs.map((hex, i): BlockTx => {
    const bytes = fromHex(hex);
    const id = toHex(sm3(bytes));
    if (id !== body.txIds[i])
      throw new Error(`block ${body.height}: transaction ${i} does not hash to its id`);
    try {
      const parsed = parseTx(bytes, chainId);
      return {
        id,
        kind: txKindName(parsed.tx.kind),
        sender: parsed.tx.sender,
        nonce: parsed.tx.nonce,
        timestamp: parsed.tx.timestamp,
        bytes: bytes.length,
        parsed,
      };
    } catch (err) {
      return {
        id,
        kind: '?',
        sender: '?',
        nonce: 0,
        timestamp: 0,
        bytes: bytes.length,
        parsed: { error: err instanceof Error ? err.message : String(err) },
      };
    }
  });
  return {
    height: body.height,
    hash: body.hash,
    header: body.header,
    txs,
    certified: body.certificate !== null && body.certificate !== undefined,
  };
}

/** A query opened on the ledger, as its "open" audit transaction says. */
export interface OpenedQuery {
  queryId: string;
  requester: string;
  policyId: string;
  datasets: readonly string[];
  purpose: string;
  height: number;
  time: number;
  openTxId: string;
}

/** The queries a block opens. */
export function openedQueries(block: DecodedBlock): OpenedQuery[] {
  const out: OpenedQuery[] = [];
  for (const t of block.txs) {
    if (!('tx' in t.parsed) || t.parsed.tx.kind !== TxKind.queryAudit) continue;
    const e = t.parsed.payload as AuditEntry;
    if (e.op !== 'open') continue;
    out.push({
      queryId: toHex(e.queryId),
      requester: t.sender,
      policyId: e.policyId,
      datasets: e.datasets,
      purpose: e.purpose,
      height: block.height,
      time: block.header.timestamp,
      openTxId: t.id,
    });
  }
  return out;
}

/**
 * The most recent blocks, newest first: `count` blocks below `from` (default the head), read
 * `parallel` at a time.
 */
export async function recentBlocks(
  chainId: string,
  options: { from?: number; count: number; parallel?: number; origin?: string },
): Promise<DecodedBlock[]> {
  const head = options.from ?? (await readBlock('latest', chainId, options.origin))?.height;
  if (head === undefined) return [];
  const heights: number[] = [];
  for (let h = head; h >= 0 && heights.length < options.count; h--) heights.push(h);
  const out: DecodedBlock[] = [];
  const parallel = options.parallel ?? 8;
  for (let i = 0; i < heights.length; i += parallel) {
    const batch = await Promise.all(
      heights.slice(i, i + parallel).map((h) => readBlock(h, chainId, options.origin)),
    );
    for (const b of batch) if (b !== undefined) out.push(b);
  }
  return out;
}

/**
 * Queries opened in the last `blocks` blocks, newest first (at most `limit`), optionally only those that
 * name one of `datasets`.
 */
export async function recentQueries(
  chainId: string,
  options: { blocks: number; limit: number; datasets?: readonly string[]; origin?: string },
): Promise<OpenedQuery[]> {
  const blocks = await recentBlocks(chainId, {
    count: options.blocks,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
  const wanted = options.datasets === undefined ? undefined : new Set(options.datasets);
  return blocks
    .flatMap(openedQueries)
    .filter((q) => wanted === undefined || q.datasets.some((d) => wanted.has(d)))
    .slice(0, options.limit);
}
