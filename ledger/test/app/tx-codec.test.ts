import { SM2_DEFAULT_USER_ID, verifySm2 } from '@privgate/accel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BlockHeader,
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodeHeader,
  txRootOf,
} from '../../src/block/codec.ts';
import { encodeCanonical } from '../../src/codec/canonical.ts';
import { decodeGroth16Proof, encodeGroth16Proof } from '../../src/contracts/groth16.ts';
import { nullifierBatchPayload } from '../../src/contracts/nullifier-registry.ts';
import { parseTx } from '../../src/contracts/registry.ts';
import {
  decodeTx,
  MAX_ANY_TX_BYTES,
  MAX_TX_BYTES,
  peekTxKind,
  signTx,
  TX_SIGN_DOMAIN,
  TxKind,
  txSignBytes,
} from '../../src/tx/codec.ts';
import { LedgerError } from '../../src/tx/errors.ts';
import { CHAIN_ID, digest, MULTIPLIER_PROOFS, ORGS, signerFor } from './harness.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  return 'OK';
}

const identifier = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,20}$/);
const cborLeaf = fc.oneof(
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.string({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 40 }),
  fc.constant(null),
);
const payloadArb = fc.array(fc.oneof(cborLeaf, fc.array(cborLeaf, { maxLength: 4 })), { maxLength: 6 });

describe('transaction codec', () => {
  const signer = signerFor('codec');

  it('round-trips every field through sign → decode, and the id is SM3 of the bytes', () => {
    fc.assert(
      fc.property(
        identifier,
        fc.integer({ min: 1, max: 7 }),
        identifier,
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 2 ** 50 }),
        payloadArb,
        (chainId, kind, sender, nonce, timestamp, payload) => {
          const bytes = signTx({ chainId, kind: kind as TxKind, sender, nonce, timestamp, payload }, signer);
          const tx = decodeTx(bytes, { chainId });
          expect(tx).toMatchObject({ chainId, kind, sender, nonce, timestamp, version: 1 });
          expect(encodeCanonical(tx.payload as never)).toEqual(encodeCanonical(payload));
          expect(tx.signature.length).toBe(96);
          expect(peekTxKind(bytes)).toBe(kind);
          // Re-encoding the decoded value gives the same bytes: one encoding per value.
          const again = encodeCanonical([1, chainId, kind, sender, nonce, timestamp, payload, tx.signature]);
          expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('signs domain tag ‖ canonical unsigned fields, sliced from the received bytes', () => {
    const unsigned = {
      chainId: CHAIN_ID,
      kind: TxKind.nullifierBatch,
      sender: 'gw-1',
      nonce: 7,
      timestamp: 123,
      payload: nullifierBatchPayload([digest('n')]),
    };
    const bytes = signTx(unsigned, signer);
    const expected = new Uint8Array([
      ...TX_SIGN_DOMAIN,
      ...encodeCanonical([
        1,
        unsigned.chainId,
        unsigned.kind,
        unsigned.sender,
        unsigned.nonce,
        unsigned.timestamp,
        unsigned.payload,
      ]),
    ]);
    expect(txSignBytes(bytes)).toEqual(expected);
    const tx = decodeTx(bytes);
    expect(verifySm2(expected, tx.signature, signer.publicKey, { userId: SM2_DEFAULT_USER_ID })).toBe(true);
  });

  it('rejects a non-canonical re-encoding of a valid transaction', () => {
    const bytes = signTx(
      {
        chainId: CHAIN_ID,
        kind: TxKind.nullifierBatch,
        sender: 'gw-1',
        nonce: 5,
        timestamp: 9,
        payload: nullifierBatchPayload([digest('x')]),
      },
      signer,
    );
    // nonce 5 is the single byte 0x05; spell it 0x18 0x05 (valid CBOR, not the shortest form).
    const at = bytes.indexOf(0x05, 2 + 1 + CHAIN_ID.length + 1 + 1 + 4);
    const longer = new Uint8Array([...bytes.subarray(0, at), 0x18, 0x05, ...bytes.subarray(at + 1)]);
    expect(code(() => decodeTx(longer))).toBe('TX_MALFORMED');
  });

  it('refuses oversized input before parsing, by the limit of its kind', () => {
    const big = new Uint8Array(MAX_TX_BYTES + 1).fill(0xff);
    expect(code(() => decodeTx(big))).toBe('TX_OVERSIZED');
    const huge = new Uint8Array(MAX_ANY_TX_BYTES + 1);
    expect(code(() => decodeTx(huge))).toBe('TX_OVERSIZED');
    // A nullifier batch of 70 KiB is over its kind's limit even though a vkey change could be that long.
    const payload = nullifierBatchPayload(Array.from({ length: 2100 }, (_, i) => digest(`n${i}`)));
    const bytes = encodeCanonical([
      1,
      CHAIN_ID,
      TxKind.nullifierBatch,
      'gw-1',
      1,
      1,
      payload,
      new Uint8Array(96),
    ]);
    expect(bytes.length).toBeGreaterThan(MAX_TX_BYTES);
    expect(code(() => decodeTx(bytes))).toBe('TX_OVERSIZED');
  });

  it('rejects malformed transactions with TX_MALFORMED (or a more precise code)', () => {
    const good = [
      1,
      CHAIN_ID,
      TxKind.nullifierBatch,
      'gw-1',
      1,
      1,
      nullifierBatchPayload([digest('a')]),
      new Uint8Array(96),
    ];
    const variant = (i: number, v: unknown) =>
      encodeCanonical(good.map((x, j) => (j === i ? v : x)) as never);
    expect(code(() => decodeTx(new Uint8Array([0x88, 0x01])))).toBe('TX_MALFORMED');
    expect(code(() => decodeTx(new Uint8Array([0xa1, 0x01, 0x02])))).toBe('TX_MALFORMED'); // a map
    expect(code(() => decodeTx(encodeCanonical(good.slice(0, 7) as never)))).toBe('TX_MALFORMED');
    expect(code(() => decodeTx(variant(0, 2)))).toBe('TX_UNSUPPORTED_VERSION');
    expect(code(() => decodeTx(variant(3, 'bad sender!')))).toBe('TX_MALFORMED');
    expect(code(() => decodeTx(variant(4, 0)))).toBe('TX_MALFORMED'); // nonces start at 1
    expect(code(() => decodeTx(variant(7, new Uint8Array(64))))).toBe('TX_MALFORMED'); // raw, not hinted
    expect(code(() => decodeTx(variant(6, 'not a tuple')))).toBe('TX_MALFORMED');
    expect(code(() => decodeTx(encodeCanonical(good as never), { chainId: 'other' }))).toBe('TX_WRONG_CHAIN');
    expect(code(() => parseTx(variant(2, 99), CHAIN_ID))).toBe('TX_MALFORMED'); // unknown kind
    expect(code(() => parseTx(variant(6, [[]]), CHAIN_ID))).toBe('TX_MALFORMED'); // empty nullifier batch
    expect(code(() => parseTx(variant(6, [[new Uint8Array(31)]]), CHAIN_ID))).toBe('TX_MALFORMED');
    const trailing = new Uint8Array([...encodeCanonical(good as never), 0x00]);
    expect(code(() => decodeTx(trailing))).toBe('TX_MALFORMED');
  });

  it('never throws anything but a LedgerError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const c = code(() => parseTx(bytes, CHAIN_ID));
        expect(c).not.toBe('OK');
      }),
      { numRuns: 300 },
    );
  });
});

describe('block codec', () => {
  const headerArb = fc.record({
    version: fc.constant(1),
    chainId: identifier,
    height: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    prevHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    timestamp: fc.integer({ min: 0, max: 2 ** 50 }),
    proposer: identifier,
    txRoot: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    stateRoot: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    txCount: fc.integer({ min: 0, max: 20 }),
  });

  it('round-trips headers and blocks', () => {
    fc.assert(
      fc.property(
        headerArb,
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { maxLength: 8 }),
        (h: BlockHeader, txs) => {
          expect(decodeHeader(encodeHeader(h))).toEqual(h);
          const header = { ...h, txCount: txs.length, txRoot: txRootOf(txs.map(() => digest('x'))) };
          const block = encodeBlock(header, txs);
          const back = decodeBlock(block.bytes);
          expect(back.header).toEqual(header);
          expect(back.txs).toEqual(txs);
          expect(back.hash).toEqual(block.hash);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects a block whose txCount does not match its transactions', () => {
    const header: BlockHeader = {
      version: 1,
      chainId: CHAIN_ID,
      height: 1,
      prevHash: digest('p'),
      timestamp: 1,
      proposer: 'val-1',
      txRoot: digest('r'),
      stateRoot: digest('s'),
      txCount: 2,
    };
    const bytes = encodeCanonical([
      [1, CHAIN_ID, 1, header.prevHash, 1, 'val-1', header.txRoot, header.stateRoot, 2],
      [new Uint8Array([1])],
    ]);
    expect(code(() => decodeBlock(bytes))).toBe('BLOCK_MALFORMED');
  });
});

describe('groth16 proof encoding', () => {
  it('round-trips the fixture proofs', () => {
    for (const { proof } of MULTIPLIER_PROOFS) {
      const bytes = encodeGroth16Proof(proof);
      expect(bytes.length).toBe(256);
      const back = decodeGroth16Proof(bytes);
      expect(back.pi_a).toEqual(proof.pi_a);
      expect(back.pi_b).toEqual(proof.pi_b);
      expect(back.pi_c).toEqual(proof.pi_c);
    }
  });

  it('rejects coordinates that are not base-field elements', () => {
    const bytes = new Uint8Array(256).fill(0xff);
    expect(code(() => decodeGroth16Proof(bytes))).toBe('TX_MALFORMED');
  });

  it('uses distinct keys for distinct organisations', () => {
    expect(ORGS.v1.signer.publicKey).not.toEqual(ORGS.v2.signer.publicKey);
  });
});
