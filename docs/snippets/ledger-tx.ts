// A ledger transaction: encode and sign (SM2), decode, check the signature over the received bytes.
import { generateSm2KeyPair, Sm2Signer, verifySm2 } from '@privgate/accel';
import { decodeTx, nullifierBatchPayload, signTx, TxKind, txSignBytes } from '@privgate/ledger';

export function signedNullifierBatch() {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const nullifier = new Uint8Array(32).fill(7); // an invoice_nullifier output, 32 bytes
  const bytes = signTx(
    {
      chainId: 'privgate-local',
      kind: TxKind.nullifierBatch,
      sender: 'gw-bank',
      nonce: 1,
      timestamp: Date.now(),
      payload: nullifierBatchPayload([nullifier]),
    },
    new Sm2Signer(privateKey),
  );
  const tx = decodeTx(bytes, { chainId: 'privgate-local' });
  // Validators verify a slice of the received bytes, never a re-encoding.
  const signatureValid = verifySm2(txSignBytes(bytes), tx.signature, publicKey);
  const tampered = Uint8Array.from(bytes);
  tampered[tampered.length - 100] = tampered[tampered.length - 100]! ^ 1; // a byte of the payload
  const tamperedValid = verifySm2(txSignBytes(tampered), tx.signature, publicKey);
  return {
    id: Buffer.from(tx.id).toString('hex'),
    size: bytes.length,
    kind: tx.kind,
    signatureValid,
    tamperedValid,
  };
}
