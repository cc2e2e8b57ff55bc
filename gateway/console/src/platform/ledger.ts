/**
 * `@privgate/ledger` in the browser: transactions (format, signing, ids), the canonical CBOR codec and
 * the system contracts' codecs and tables (all pure), without the node runtime (LevelDB, libp2p, HTTP
 * server, consensus). The console's Vite build resolves `@privgate/ledger` here (`vite.config.ts`).
 */
export * from '../../../../ledger/src/codec/canonical.ts';
export * from '../../../../ledger/src/codec/errors.ts';
export * from '../../../../ledger/src/contracts/index.ts';
export * from '../../../../ledger/src/tx/index.ts';
