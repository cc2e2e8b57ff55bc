/** Transactions: format, signing, ids, readers and the application layer's error codes. */
export { byteKey, bytesEqual, compareBytes, concatBytes, fromHex, toHex, utf8 } from './bytes.ts';
export {
  type DecodeTxOptions,
  decodeTx,
  MAX_ANY_TX_BYTES,
  MAX_TX_BYTES,
  maxTxBytes,
  signTx,
  TX_SIGN_DOMAIN,
  TX_SIGNATURE_BYTES,
  TX_VERSION,
  type Tx,
  TxKind,
  txKindName,
  txSignBytes,
  type UnsignedTx,
} from './codec.ts';
export { isLedgerError, LedgerError, LedgerErrorCode, type LedgerErrorContext } from './errors.ts';
export { ID_PATTERN, isIdentifier, MAX_ID_BYTES } from './readers.ts';
