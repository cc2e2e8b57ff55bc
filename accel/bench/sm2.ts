// SM2 benchmarks: verification of a 4,096-signature batch from 256 signers, and signing, against
// sm-crypto, sm-crypto-v2, @noble/curves (our verifySm2 with no caches: plain noble point arithmetic)
// and Node's OpenSSL on one thread, all measured in the same run.
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
import {
  type Accelerator,
  createCpuAccelerator,
  createWorkersAccelerator,
  generateSm2KeyPair,
  Sm2Signer,
  type Sm2SignRequest,
  type Sm2VerifyRequest,
  verifySm2,
} from '../src/index.ts';
import { type BenchFlags, type BenchLine, compare, interleave, progress } from './harness.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface NativeKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Node's SM2 keys must be re-imported from DER to sign SM2 rather than ECDSA-SM3 (see the interop test). */
function nativeKey(): NativeKey {
  const g = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  return {
    privateKey: createPrivateKey({
      key: g.privateKey.export({ format: 'der', type: 'pkcs8' }),
      format: 'der',
      type: 'pkcs8',
    }),
    publicKey: createPublicKey({
      key: g.publicKey.export({ format: 'der', type: 'spki' }),
      format: 'der',
      type: 'spki',
    }),
  };
}

/** Cycles through a sample so each call does `count` operations. */
function cycler<T>(sample: readonly T[]) {
  let i = 0;
  return (count: number, fn: (x: T) => unknown) => {
    for (let k = 0; k < count; k++) {
      fn(sample[i]!);
      i = (i + 1) % sample.length;
    }
    return count;
  };
}

export async function benchSm2(flags: BenchFlags): Promise<BenchLine[]> {
  const batch = 4096;
  const signerCount = 256;
  const rounds = flags.quick ? 3 : 7;
  const workersSize = 2;
  const workers: Accelerator = createWorkersAccelerator({ size: workersSize });
  const cpu: Accelerator = createCpuAccelerator();
  const backend = `workers:${workersSize}`;

  progress(flags, `sm2: ${signerCount} signers, batch ${batch}`);
  const keys = Array.from({ length: signerCount }, () => generateSm2KeyPair());
  const messages = Array.from({ length: batch }, (_, i) =>
    crypto.getRandomValues(new Uint8Array(200 + (i % 50))),
  );
  const signRequests = (format: 'raw' | 'hinted'): Sm2SignRequest[] =>
    messages.map((message, i) => ({ privateKey: keys[i % signerCount]!.privateKey, message, format }));
  const hinted = await workers.sm2SignBatch(signRequests('hinted'));
  const raw = await workers.sm2SignBatch(signRequests('raw'));
  const verifyItems = (sigs: Uint8Array[]): Sm2VerifyRequest[] =>
    messages.map((message, i) => ({
      publicKey: keys[i % signerCount]!.publicKey,
      message,
      signature: sigs[i]!,
    }));
  const hintedItems = verifyItems(hinted);
  const rawItems = verifyItems(raw);

  // Baseline samples.
  const natives = Array.from({ length: 64 }, nativeKey);
  const nativeSample = messages.slice(0, 512).map((m, i) => {
    const k = natives[i % natives.length]!;
    return { m, k, sig: nodeSign('sm3', m, k.privateKey) };
  });
  const smSample = hintedItems
    .slice(0, 64)
    .map((x, i) => ({ m: Array.from(x.message), sig: hex(raw[i]!), pub: hex(x.publicKey) }));
  const v2Sample = rawItems
    .slice(0, 256)
    .map((x) => ({ m: x.message, sig: hex(x.signature), pub: hex(x.publicKey) }));
  const nobleSample = rawItems.slice(0, 256);
  const nat = cycler(nativeSample);
  const sm = cycler(smSample);
  const v2 = cycler(v2Sample);
  const nob = cycler(nobleSample);
  const small = flags.quick ? 0.5 : 1;

  progress(flags, 'sm2.verify: interleaved rounds');
  const check = (results: boolean[]) => {
    if (!results.every(Boolean)) throw new Error('benchmark batch failed to verify');
    return results.length;
  };
  const verify = await interleave(
    [
      { name: 'workers-hinted', run: async () => check(await workers.sm2VerifyBatch(hintedItems)) },
      { name: 'workers-raw', run: async () => check(await workers.sm2VerifyBatch(rawItems)) },
      { name: 'cpu-hinted', run: async () => check(await cpu.sm2VerifyBatch(hintedItems)) },
      {
        name: 'openssl',
        run: () => nat(Math.round(1000 * small), (x) => nodeVerify('sm3', x.m, x.k.publicKey, x.sig)),
      },
      {
        name: 'sm-crypto',
        run: () =>
          sm(Math.round(24 * small), (x) =>
            smCrypto.sm2.doVerifySignature(x.m, x.sig, x.pub, { hash: true }),
          ),
      },
      {
        name: 'sm-crypto-v2',
        run: () =>
          v2(Math.round(120 * small), (x) =>
            smCryptoV2.sm2.doVerifySignature(x.m, x.sig, x.pub, { hash: true }),
          ),
      },
      {
        name: 'noble',
        run: () => nob(Math.round(150 * small), (x) => verifySm2(x.message, x.signature, x.publicKey)),
      },
    ],
    rounds,
  );
  const extra = { batch, signers: signerCount };
  const out: BenchLine[] = [
    ...compare(verify, 'workers-hinted', ['sm-crypto', 'sm-crypto-v2', 'noble', 'openssl'], {
      bench: 'accel.sm2.verify',
      backend,
      unit: 'ops/s',
      ...extra,
      signature: 'hinted',
    }),
    ...compare(verify, 'workers-raw', ['openssl'], {
      bench: 'accel.sm2.verify.raw',
      backend,
      unit: 'ops/s',
      ...extra,
      signature: 'raw',
    }),
    ...compare(verify, 'cpu-hinted', ['openssl'], {
      bench: 'accel.sm2.verify',
      backend: 'cpu',
      unit: 'ops/s',
      ...extra,
      signature: 'hinted',
    }),
  ];

  progress(flags, 'sm2.sign: interleaved rounds');
  const signReqs = signRequests('raw');
  const cpuSigners = keys.slice(0, 16).map((k) => new Sm2Signer(k.privateKey));
  const cs = cycler(cpuSigners.map((s, i) => ({ s, m: messages[i]! })));
  const natSign = cycler(nativeSample);
  const smSign = cycler(
    keys.slice(0, 16).map((k, i) => ({ d: hex(k.privateKey), m: Array.from(messages[i]!) })),
  );
  const sign = await interleave(
    [
      { name: 'workers', run: async () => (await workers.sm2SignBatch(signReqs)).length },
      { name: 'cpu', run: () => cs(Math.round(400 * small), (x) => x.s.sign(x.m)) },
      {
        name: 'openssl',
        run: () => natSign(Math.round(1000 * small), (x) => nodeSign('sm3', x.m, x.k.privateKey)),
      },
      {
        name: 'sm-crypto',
        run: () => smSign(Math.round(24 * small), (x) => smCrypto.sm2.doSignature(x.m, x.d, { hash: true })),
      },
    ],
    rounds,
  );
  out.push(
    ...compare(sign, 'workers', ['openssl', 'sm-crypto'], {
      bench: 'accel.sm2.sign',
      backend,
      unit: 'ops/s',
      ...extra,
    }),
    ...compare(sign, 'cpu', ['openssl'], { bench: 'accel.sm2.sign', backend: 'cpu', unit: 'ops/s' }),
  );

  await Promise.all([workers.close(), cpu.close()]);
  return out;
}
