// SM2 (GB/T 32918) signatures, signed one by one and verified as a batch on the accelerator.
import { createAccelerator, generateSm2KeyPair, Sm2Signer, verifySm2 } from '@privgate/accel';

/** Signs three anchors, forges one, and verifies all of them in one batch. */
export async function signAndVerifyBatch(): Promise<{ single: boolean; batch: boolean[] }> {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const signer = new Sm2Signer(privateKey);
  const messages = ['anchor #1', 'anchor #2', 'anchor #3'].map((m) => new TextEncoder().encode(m));
  // 'hinted' = r ‖ s ‖ y1 (96 bytes): the first 64 bytes are a standard signature, the hint lets a batch
  // be checked as one multi-scalar multiplication.
  const signatures = messages.map((message) => signer.sign(message, 'hinted'));

  const single = verifySm2(messages[0]!, signatures[0]!, publicKey); // default user ID 1234567812345678

  const accel = createAccelerator({ backend: 'cpu' });
  try {
    const items = messages.map((message, i) => ({ publicKey, message, signature: signatures[i]! }));
    items[2] = { ...items[2]!, message: new TextEncoder().encode('anchor #3 (forged)') };
    const batch = await accel.sm2VerifyBatch(items); // one boolean per item
    return { single, batch };
  } finally {
    await accel.close();
  }
}
