// Interoperability of our SM2 with independent implementations, in both directions:
// sm-crypto and sm-crypto-v2 (default ID "1234567812345678", {hash: true}), and Node's OpenSSL,
// whose SM2 hashes Z with an EMPTY user ID — signatures verify across only when both sides use the
// same ID (the trap is asserted below, so a change in either side is noticed).
//
// Second trap, measured on Node 20.20 / OpenSSL 3.0: a key object straight from
// generateKeyPairSync('ec', { namedCurve: 'SM2' }) is an 'ec' key and crypto.sign('sm3', …) makes an
// ECDSA-with-SM3 signature, NOT SM2. The same key re-imported from PKCS#8/SEC1/SPKI DER becomes an
// OpenSSL SM2 key (asymmetricKeyType undefined) and signs with SM2. nodeKeyPair() re-imports.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import smCrypto from 'sm-crypto';
import * as smCryptoV2 from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import {
  decryptSm2,
  encryptSm2,
  generateSm2KeyPair,
  Sm2Signer,
  signSm2,
  verifySm2,
} from '../src/sm2/index.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const randomMessage = () => crypto.getRandomValues(new Uint8Array(1 + Math.floor(Math.random() * 300)));
// Long loops of slow pure-JS crypto give the event loop back every few items: a worker that stays busy
// for a minute answers vitest's own RPC late, and vitest then fails the run ("Timeout calling onTaskUpdate").
const breathe = (i: number) => (i % 8 === 7 ? new Promise((r) => setImmediate(r)) : undefined);

// sm-crypto is pure-JS big-integer code (≈45 verifications/s here): give its suites room on a loaded machine.
describe('SM2 interop with sm-crypto (default user ID)', { timeout: 240_000 }, () => {
  it('200 random keys and messages verify in both directions, raw r‖s', async () => {
    for (let i = 0; i < 200; i++) {
      await breathe(i);
      const { privateKey, publicKey } = generateSm2KeyPair();
      const msg = randomMessage();
      const ours = signSm2(msg, privateKey);
      expect(smCrypto.sm2.doVerifySignature(Array.from(msg), hex(ours), hex(publicKey), { hash: true })).toBe(
        true,
      );
      const theirs = smCrypto.sm2.doSignature(Array.from(msg), hex(privateKey), { hash: true });
      expect(verifySm2(msg, unhex(theirs), publicKey)).toBe(true);
    }
  });

  it('DER signatures and a custom user ID verify in both directions', async () => {
    for (let i = 0; i < 30; i++) {
      await breathe(i);
      const { privateKey, publicKey } = generateSm2KeyPair();
      const msg = randomMessage();
      const userId = 'ALICE123@YAHOO.COM';
      const uid = new TextEncoder().encode(userId);
      const ours = signSm2(msg, privateKey, { format: 'der', userId: uid });
      expect(
        smCrypto.sm2.doVerifySignature(Array.from(msg), hex(ours), hex(publicKey), {
          hash: true,
          der: true,
          userId,
        }),
      ).toBe(true);
      const theirs = smCrypto.sm2.doSignature(Array.from(msg), hex(privateKey), {
        hash: true,
        der: true,
        userId,
      });
      expect(verifySm2(msg, unhex(theirs), publicKey, { userId: uid })).toBe(true);
      expect(verifySm2(msg, unhex(theirs), publicKey)).toBe(false); // other ID, other Z
    }
  });

  it('encryption C1C3C2 round-trips in both directions', async () => {
    for (let i = 0; i < 20; i++) {
      await breathe(i);
      const { privateKey, publicKey } = generateSm2KeyPair();
      const msg = randomMessage();
      const ours = encryptSm2(msg, publicKey);
      // sm-crypto omits the 04 prefix of C1.
      const plain = smCrypto.sm2.doDecrypt(hex(ours.subarray(1)), hex(privateKey), 1, { output: 'array' });
      expect(Uint8Array.from(plain)).toEqual(msg);
      const theirs = smCrypto.sm2.doEncrypt(Array.from(msg), hex(publicKey), 1);
      expect(decryptSm2(unhex('04' + theirs), privateKey)).toEqual(msg);
      const theirsC1C2C3 = smCrypto.sm2.doEncrypt(Array.from(msg), hex(publicKey), 0);
      expect(decryptSm2(unhex('04' + theirsC1C2C3), privateKey, 'c1c2c3')).toEqual(msg);
    }
  });
});

describe('SM2 interop with sm-crypto-v2', () => {
  it('300 random keys and messages verify in both directions', async () => {
    for (let i = 0; i < 300; i++) {
      await breathe(i);
      const { privateKey, publicKey } = generateSm2KeyPair();
      const msg = randomMessage();
      const ours = signSm2(msg, privateKey);
      expect(smCryptoV2.sm2.doVerifySignature(msg, hex(ours), hex(publicKey), { hash: true })).toBe(true);
      const theirs = smCryptoV2.sm2.doSignature(msg, hex(privateKey), { hash: true });
      expect(verifySm2(msg, unhex(theirs), publicKey)).toBe(true);
    }
  });
});

type NodeKeys = { privateKey: KeyObject; publicKey: KeyObject };

function nodeKeyPair(): {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  node: NodeKeys;
  generated: NodeKeys;
} {
  const generated = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const sec1 = generated.privateKey.export({ format: 'der', type: 'sec1' });
  const spki = generated.publicKey.export({ format: 'der', type: 'spki' });
  // SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING(32) d, ... } — d starts at byte 7.
  expect(sec1.subarray(0, 7).toString('hex')).toBe('30770201010420');
  const privateKey = Uint8Array.from(sec1.subarray(7, 39));
  const publicKey = Uint8Array.from(spki.subarray(spki.length - 65));
  const node = {
    privateKey: createPrivateKey({ key: sec1, format: 'der', type: 'sec1' }),
    publicKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }),
  };
  return { privateKey, publicKey, node, generated };
}

describe("SM2 interop with Node's OpenSSL (empty user ID)", () => {
  const empty = new Uint8Array(0);

  it('the key extraction is right: our public key of its private key is its public key', () => {
    const k = nodeKeyPair();
    expect(new Sm2Signer(k.privateKey).publicKey).toEqual(k.publicKey);
  });

  it('100 signatures verify in both directions when our side uses the empty ID', () => {
    for (let i = 0; i < 100; i++) {
      const k = nodeKeyPair();
      const msg = randomMessage();
      const native = nodeSign('sm3', msg, k.node.privateKey);
      expect(verifySm2(msg, native, k.publicKey, { userId: empty })).toBe(true);
      const ours = signSm2(msg, k.privateKey, { userId: empty, format: 'der' });
      expect(nodeVerify('sm3', msg, k.node.publicKey, ours)).toBe(true);
    }
  });

  it('the measured trap: with the default ID neither side verifies the other', () => {
    const k = nodeKeyPair();
    const msg = randomMessage();
    expect(verifySm2(msg, nodeSign('sm3', msg, k.node.privateKey), k.publicKey)).toBe(false);
    expect(nodeVerify('sm3', msg, k.node.publicKey, signSm2(msg, k.privateKey, { format: 'der' }))).toBe(
      false,
    );
  });

  it('keys round-trip through PKCS#8 DER into Node key objects', () => {
    const k = nodeKeyPair();
    const priv = createPrivateKey({
      key: k.node.privateKey.export({ format: 'der', type: 'pkcs8' }),
      format: 'der',
      type: 'pkcs8',
    });
    const msg = randomMessage();
    expect(verifySm2(msg, nodeSign('sm3', msg, priv), k.publicKey, { userId: empty })).toBe(true);
  });

  it("the second trap: a freshly generated 'ec' key object signs ECDSA-SM3, which is not SM2", () => {
    const k = nodeKeyPair();
    expect(k.generated.privateKey.asymmetricKeyType).toBe('ec');
    const msg = randomMessage();
    expect(verifySm2(msg, nodeSign('sm3', msg, k.generated.privateKey), k.publicKey, { userId: empty })).toBe(
      false,
    );
    expect(verifySm2(msg, nodeSign('sm3', msg, k.node.privateKey), k.publicKey, { userId: empty })).toBe(
      true,
    );
  });
});
