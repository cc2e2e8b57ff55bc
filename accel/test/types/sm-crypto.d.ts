// The parts of sm-crypto (an interop oracle and benchmark baseline; it ships no types) that we call.
declare module 'sm-crypto' {
  type Bytes = string | number[];
  interface SignOptions {
    hash?: boolean;
    der?: boolean;
    userId?: string;
    publicKey?: string;
  }
  const smCrypto: {
    sm2: {
      generateKeyPairHex(): { privateKey: string; publicKey: string };
      doSignature(msg: Bytes, privateKeyHex: string, options?: SignOptions): string;
      doVerifySignature(
        msg: Bytes,
        signatureHex: string,
        publicKeyHex: string,
        options?: SignOptions,
      ): boolean;
      doEncrypt(msg: Bytes, publicKeyHex: string, cipherMode?: 0 | 1): string;
      doDecrypt(
        cipherHex: string,
        privateKeyHex: string,
        cipherMode?: 0 | 1,
        options?: { output: 'array' },
      ): number[];
    };
    sm3(input: Bytes): string;
  };
  export default smCrypto;
}
