// Messages between the pool and its workers. Payloads are packed lists whose buffers are transferred.
import type { SerializedError } from '../../errors.ts';
import type { PackedBytes } from '../codec.ts';
import type { Groth16VerificationKey, Groth16VerifyItem } from '../interface.ts';

/** A request to a worker. */
export type WorkerRequest =
  | { id: number; op: 'sm3'; messages: PackedBytes }
  | { id: number; op: 'merkle'; leaves: PackedBytes }
  | {
      id: number;
      op: 'sm3-shared';
      /** An arena laid out by sm3ArenaLayout(count, dataBytes); digests of start..end are written into it. */
      buffer: SharedArrayBuffer;
      count: number;
      dataBytes: number;
      start: number;
      end: number;
    }
  | {
      id: number;
      op: 'sm2-verify';
      publicKeys: PackedBytes;
      messages: PackedBytes;
      signatures: PackedBytes;
      userIds: PackedBytes;
    }
  | {
      id: number;
      op: 'sm2-sign';
      privateKeys: PackedBytes;
      messages: PackedBytes;
      userIds: PackedBytes;
      formats: Uint8Array;
    }
  | { id: number; op: 'poseidon'; arity: number; inputs: Uint8Array }
  | { id: number; op: 'poseidon-merkle'; leaves: Uint8Array; depth: number }
  | { id: number; op: 'groth16-verify'; vkey: Groth16VerificationKey; items: Groth16VerifyItem[] };

/** A worker's answer: bytes (digests, verdicts), a packed list (signatures), or an error. */
export type WorkerResponse =
  | { id: number; ok: true; bytes?: Uint8Array; packed?: PackedBytes }
  | { id: number; ok: false; error: SerializedError };
