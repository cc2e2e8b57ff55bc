// The SM3 kernel (sm3.wgsl.ts) against the reference sm3() and the GB/T 32905 vectors: every padding
// boundary, messages at unaligned offsets, fixed-size batches and a batch split into several jobs.
import { afterAll, describe, expect, it } from 'vitest';
import { packBytes } from '../../src/engine/codec.ts';
import { sm3 } from '../../src/sm3/index.ts';
import { sm3BatchGpu } from '../../src/webgpu/index.ts';
import { openTestGpu } from './gpu-fixture.ts';

const gpu = await openTestGpu();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function digests(messages: Uint8Array[]): Promise<string[]> {
  const out = await sm3BatchGpu(gpu.rt!, packBytes(messages));
  return messages.map((_, i) => hex(out.subarray(i * 32, i * 32 + 32)));
}

describe.skipIf(!gpu.rt)(`webgpu SM3 batch${gpu.skip}`, () => {
  afterAll(() => gpu.release());

  it('matches the GB/T 32905 Appendix A vectors', async () => {
    const abc = new TextEncoder().encode('abc');
    const abcd16 = new TextEncoder().encode('abcd'.repeat(16));
    expect(await digests([abc, abcd16])).toEqual([
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    ]);
  });

  it('every length 0..200 (all padding boundaries), packed at unaligned offsets', async () => {
    const msgs = Array.from({ length: 201 }, (_, len) => crypto.getRandomValues(new Uint8Array(len)));
    expect(await digests(msgs)).toEqual(msgs.map((m) => hex(sm3(m))));
  });

  it('a fixed-size batch of 2,000 64-byte messages, and a single message', async () => {
    const msgs = Array.from({ length: 2000 }, () => crypto.getRandomValues(new Uint8Array(64)));
    expect(await digests(msgs)).toEqual(msgs.map((m) => hex(sm3(m))));
    expect(await digests([msgs[7]!])).toEqual([hex(sm3(msgs[7]!))]);
  });

  it('a message of several KiB among short ones', async () => {
    const msgs = [new Uint8Array(0), crypto.getRandomValues(new Uint8Array(5000)), new Uint8Array([1])];
    expect(await digests(msgs)).toEqual(msgs.map((m) => hex(sm3(m))));
  });

  it('an empty batch answers nothing, and a flipped bit changes only its own digest', async () => {
    expect((await sm3BatchGpu(gpu.rt!, packBytes([]))).length).toBe(0);
    const a = Array.from({ length: 10 }, () => crypto.getRandomValues(new Uint8Array(100)));
    const b = a.map((m) => m.slice());
    b[4]![50]! ^= 0x10;
    const [da, db] = [await digests(a), await digests(b)];
    da.forEach((d, i) => expect(d === db[i]).toBe(i !== 4));
  });
});
