/**
 * Rules of the store contract that both implementations apply the same way: page bounds, argument checks
 * and the errors they raise.
 */
import { GatewayError } from '../errors.ts';
import { type NewRecord, type QueryLogFilter, type RecordPage, STORE_LIMITS } from './interface.ts';

export function unknownDataset(name: string): GatewayError<'DATASET_UNKNOWN'> {
  return new GatewayError('DATASET_UNKNOWN', `dataset ${name} is not declared`, { dataset: name });
}

export function datasetExists(name: string): GatewayError<'DATASET_EXISTS'> {
  return new GatewayError('DATASET_EXISTS', `dataset ${name} is already declared`, { dataset: name });
}

export function storeUnavailable(
  backend: 'sqlite' | 'postgres',
  reason: string,
  cause?: unknown,
): GatewayError<'STORE_UNAVAILABLE'> {
  return new GatewayError(
    'STORE_UNAVAILABLE',
    `${backend} store unavailable: ${reason}`,
    { backend, reason },
    { cause },
  );
}

export function importClosed(dataset: string): Error {
  return new TypeError(`the import session into ${dataset} is already committed or aborted`);
}

/** Clamps a record page to the contract's bounds. */
export function recordPage(page: RecordPage | undefined): { afterRow: number; limit: number } {
  const limit = clampLimit(
    page?.limit,
    STORE_LIMITS.recordPageDefault,
    STORE_LIMITS.recordPageMax,
    'page.limit',
  );
  const afterRow = page?.afterRow ?? -1;
  if (!Number.isSafeInteger(afterRow)) throw new RangeError('page.afterRow must be an integer');
  return { afterRow, limit };
}

/** Clamps a query-log filter to the contract's bounds. */
export function queryLogPage(filter: QueryLogFilter | undefined): {
  dataset: string | null;
  caller: string | null;
  afterId: number;
  limit: number;
} {
  const limit = clampLimit(
    filter?.limit,
    STORE_LIMITS.queryLogPageDefault,
    STORE_LIMITS.queryLogPageMax,
    'filter.limit',
  );
  const afterId = filter?.afterId ?? 0;
  if (!Number.isSafeInteger(afterId)) throw new RangeError('filter.afterId must be an integer');
  return { dataset: filter?.dataset ?? null, caller: filter?.caller ?? null, afterId, limit };
}

function clampLimit(limit: number | undefined, fallback: number, max: number, name: string): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`${name} must be a positive integer`);
  return Math.min(limit, max);
}

/**
 * Checks a batch before it is staged: the salt length and the subject id are what the store relies on.
 * @throws {RangeError} naming the offending record.
 */
export function assertRecords(records: readonly NewRecord[]): void {
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.salt.length !== STORE_LIMITS.saltBytes) {
      throw new RangeError(`records[${i}].salt must be ${STORE_LIMITS.saltBytes} bytes`);
    }
    if (typeof record.subjectId !== 'string' || record.subjectId.length !== 18) {
      throw new RangeError(`records[${i}].subjectId must be an 18-character unified social credit code`);
    }
  }
}

/** Milliseconds-precision ISO 8601 of now. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Normalises a driver's bytes (Buffer) to a plain Uint8Array copy. */
export function toBytes(value: Uint8Array): Uint8Array {
  return new Uint8Array(value);
}
