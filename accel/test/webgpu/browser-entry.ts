// Bundled for the browser by browser.test.ts: runs the kernels through navigator.gpu and hands the
// outputs back as hex strings (bigints do not cross page.evaluate).
import { packBytes } from '../../src/engine/codec.ts';
import { AccelError } from '../../src/errors.ts';
import { openGpuDevice } from '../../src/webgpu/device.ts';
import { msmG1Gpu, packG1Points, packScalars } from '../../src/webgpu/msm.ts';
import { poseidon2BatchGpu } from '../../src/webgpu/poseidon.ts';
import { GpuRuntime } from '../../src/webgpu/runtime.ts';
import { sm3BatchGpu } from '../../src/webgpu/sm3.ts';

/** What the test sends. */
export interface BrowserCheckInput {
  messages: number[][];
  points: [string, string][];
  scalars: string[];
  pairs: [string, string][];
}

const hex = (v: bigint) => v.toString(16);
const big = (h: string) => BigInt(`0x${h}`);

async function check(input: BrowserCheckInput) {
  let refusal = '';
  try {
    (await openGpuDevice()).release();
    refusal = 'opened';
  } catch (err) {
    refusal = err instanceof AccelError ? err.code : String(err);
  }
  const handle = await openGpuDevice({ allowSoftwareAdapter: true });
  const rt = new GpuRuntime(handle.device);
  try {
    const digests = await sm3BatchGpu(rt, packBytes(input.messages.map((m) => Uint8Array.from(m))));
    const sm3 = input.messages.map((_, i) =>
      Array.from(digests.subarray(i * 32, i * 32 + 32), (b) => b.toString(16).padStart(2, '0')).join(''),
    );
    const sum = await msmG1Gpu(
      rt,
      packG1Points(input.points.map(([x, y]) => ({ x: big(x), y: big(y) }))),
      packScalars(input.scalars.map(big)),
    );
    const poseidon = await poseidon2BatchGpu(
      rt,
      input.pairs.map(([a, b]) => [big(a), big(b)] as const),
    );
    return {
      adapter: handle.adapter,
      refusal,
      sm3,
      msm: [hex(sum.x), hex(sum.y)],
      poseidon: poseidon.map(hex),
    };
  } finally {
    rt.destroy();
    handle.release();
  }
}

(globalThis as { privgateWebGpuCheck?: typeof check }).privgateWebGpuCheck = check;
