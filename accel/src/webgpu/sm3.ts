// Host side of the SM3 kernel (sm3.wgsl.ts): packed messages in, 32-byte digests out. A batch is cut
// into jobs of at most JOB_BYTES of message data, each one upload, one dispatch and one read-back.
import type { PackedBytes } from '../engine/codec.ts';
import type { GpuRuntime } from './runtime.ts';
import { SM3_WGSL, SM3_WORKGROUP } from './sm3.wgsl.ts';

/** Message bytes per GPU job: large enough to fill a GPU, small enough for any device's limits. */
const JOB_BYTES = 64 << 20;
/** Messages per GPU job. */
const JOB_ITEMS = 1 << 20;

/**
 * SM3 of each message of a packed batch on the GPU; 32 bytes per message, in order.
 * The batch must already be validated (packBytes does it).
 */
export async function sm3BatchGpu(rt: GpuRuntime, messages: PackedBytes): Promise<Uint8Array> {
  const count = messages.offsets.length - 1;
  const out = new Uint8Array(count * 32);
  const jobBytes = Math.min(JOB_BYTES, rt.maxBindingBytes - 8);
  let start = 0;
  while (start < count) {
    let end = start + 1;
    const base = messages.offsets[start]!;
    while (end < count && end - start < JOB_ITEMS && messages.offsets[end + 1]! - base <= jobBytes) end++;
    await sm3Job(rt, messages, start, end, out);
    start = end;
  }
  return out;
}

async function sm3Job(
  rt: GpuRuntime,
  messages: PackedBytes,
  start: number,
  end: number,
  out: Uint8Array,
): Promise<void> {
  const n = end - start;
  // The kernel addresses bytes from the word holding the first one, so start the upload there.
  const first = messages.offsets[start]!;
  const base = first - (first % 4);
  const bytes = messages.data.subarray(base, messages.offsets[end]!);
  const offsets = messages.offsets.subarray(start, end + 1);
  const [digests] = await rt.run(async () => {
    const pipeline = await rt.pipeline('sm3', SM3_WGSL);
    // Four spare bytes: an unaligned read of the last word touches the word after it.
    const dataBuf = rt.buffer('sm3:data', bytes.length + 8);
    const offBuf = rt.buffer('sm3:offsets', offsets.byteLength);
    const outBuf = rt.buffer('sm3:digests', n * 32);
    if (bytes.length > 0) rt.write(dataBuf, bytes);
    rt.write(offBuf, offsets);
    const params = rt.uniform('sm3', Uint32Array.of(n, base));
    return {
      passes: [
        {
          pipeline,
          buffers: [dataBuf, offBuf, outBuf, params],
          invocations: n,
          workgroupSize: SM3_WORKGROUP,
        },
      ],
      read: [{ buffer: outBuf, bytes: n * 32 }],
    };
  });
  out.set(digests!, start * 32);
}
