// Worked examples of GB/T 32918.2-2016 Annex A (signature) and GB/T 32918.4-2016 Annex A (encryption).
// They use the standard's 256-bit example curve and fix the random k, so every intermediate value is
// checked: Z_A, e, (r, s), and the ciphertext C1 ‖ C3 ‖ C2.
import { describe, expect, it } from 'vitest';
import {
  bytesToBigint,
  computeSm2Z,
  createSm2Curve,
  decryptSm2,
  encryptSm2,
  getSm2PublicKey,
  parseSm2PublicKey,
  Sm2Signer,
  sm2MessageDigest,
  verifySm2Digest,
} from '../src/sm2/index.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const big = (s: string) => BigInt('0x' + s.replace(/\s+/g, ''));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

// The example curve "Fp-256" of GB/T 32918 Annex A.
const exampleCurve = createSm2Curve({
  p: big('8542D69E 4C044F18 E8B92435 BF6FF7DE 45728391 5C45517D 722EDB8B 08F1DFC3'),
  a: big('787968B4 FA32C3FD 2417842E 73BBFEFF 2F3C848B 6831D7E0 EC65228B 3937E498'),
  b: big('63E4C6D3 B23B0C84 9CF84241 484BFE48 F61D59A5 B16BA06E 6E12D1DA 27C5249A'),
  n: big('8542D69E 4C044F18 E8B92435 BF6FF7DD 29772063 0485628D 5AE74EE7 C32E79B7'),
  Gx: big('421DEBD6 1B62EAB6 746434EB C3CC315E 32220B3B ADD50BDC 4C4E6C14 7FEDD43D'),
  Gy: big('0680512B CBB42C07 D47349D2 153B70C4 E5D7FDFC BFA36EA1 A85841B9 E46E09A2'),
});

describe('GB/T 32918.2 Annex A: digital signature on the example curve', () => {
  const dA = hex('128B2FA8 BD433C6C 068C8D80 3DFF7979 2A519A55 171B1B65 0C23661D 15897263');
  const userId = new TextEncoder().encode('ALICE123@YAHOO.COM');
  const message = new TextEncoder().encode('message digest');
  const k = big('6CB28D99 385C175C 94F94E93 4817663F C176D925 DD72B727 260DBAAE 1FB2F96F');

  it('derives the public key, Z_A and e of the example', () => {
    const pub = getSm2PublicKey(dA, false, exampleCurve);
    expect(toHex(pub.subarray(1, 33))).toBe(
      '0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A',
    );
    expect(toHex(pub.subarray(33))).toBe('7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857');
    const z = computeSm2Z(userId, parseSm2PublicKey(pub, exampleCurve), exampleCurve);
    expect(toHex(z)).toBe('F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A');
    expect(toHex(sm2MessageDigest(z, message))).toBe(
      'B524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76',
    );
  });

  it('signs with the fixed k to the example (r, s), which verifies', () => {
    const signer = new Sm2Signer(dA, userId, exampleCurve);
    const e = bytesToBigint(sm2MessageDigest(signer.z, message));
    const sig = signer.signDigest(e, () => k);
    expect(sig.r).toBe(big('40F1EC59 F793D9F4 9E09DCEF 49130D41 94F79FB1 EED2CAA5 5BACDB49 C4E755D1'));
    expect(sig.s).toBe(big('6FC6DAC3 2C5D5CF1 0C77DFB2 0F7C2EB6 67A45787 2FB09EC5 6327A67E C7DEEBE7'));
    const P = parseSm2PublicKey(signer.publicKey, exampleCurve);
    expect(verifySm2Digest(e, sig, P, exampleCurve)).toBe(true);
    expect(verifySm2Digest(e + 1n, sig, P, exampleCurve)).toBe(false);
  });
});

describe('GB/T 32918.4 Annex A: public key encryption on the example curve', () => {
  const dB = hex('1649AB77 A00637BD 5E2EFE28 3FBF3535 34AA7F7C B89463F2 08DDBC29 20BB0DA0');
  const message = new TextEncoder().encode('encryption standard');
  const k = big('4C62EEFD 6ECFC2B9 5B92FD6C 3D957514 8AFA1742 5546D490 18E5388D 49DD7B4F');
  const C1 =
    '04245C26FB68B1DDDDB12C4B6BF9F2B6D5FE60A383B0D18D1C4144ABF17F6252E776CB9264C2A7E88E52B19903FDC47378F605E36811F5C07423A24B84400F01B8';
  const C2 = '650053A89B41C418B0C3AAD00D886C00286467';
  const C3 = '9C3D7360C30156FAB7C80A0276712DA9D8094A634B766D3A285E07480653426D';

  it('encrypts with the fixed k to the example C1 ‖ C3 ‖ C2 and decrypts back', () => {
    const pub = getSm2PublicKey(dB, false, exampleCurve);
    const c = encryptSm2(message, pub, 'c1c3c2', exampleCurve, () => k);
    expect(toHex(c)).toBe(C1 + C3 + C2);
    expect(decryptSm2(c, dB, 'c1c3c2', exampleCurve)).toEqual(message);
    expect(toHex(encryptSm2(message, pub, 'c1c2c3', exampleCurve, () => k))).toBe(C1 + C2 + C3);
  });
});
