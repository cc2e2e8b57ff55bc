// Opens a WebGPU device for the kernel tests, software adapters allowed: on a machine without a GPU,
// chromium's SwiftShader Vulkan driver is picked up by itself when installed (openGpuDevice appends it
// to VK_ADD_DRIVER_FILES). Without any adapter the suites are skipped and say why.
import { type GpuHandle, GpuRuntime, openGpuDevice } from '../../src/webgpu/index.ts';

/** A device for tests, or why there is none. */
export interface TestGpu {
  rt?: GpuRuntime;
  handle?: GpuHandle;
  /** ' [skipped: …]' when there is no adapter, else ''. */
  skip: string;
  release(): void;
}

/** Opens the test device (one per test file). */
export async function openTestGpu(): Promise<TestGpu> {
  try {
    const handle = await openGpuDevice({ allowSoftwareAdapter: true });
    const rt = new GpuRuntime(handle.device);
    return {
      rt,
      handle,
      skip: '',
      release: () => {
        rt.destroy();
        handle.release();
      },
    };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      skip: ` [skipped: ${reason}; install chromium (SwiftShader) or run on a GPU]`,
      release: () => {},
    };
  }
}

/** A uniformly random value in [0, bound) from crypto.getRandomValues. */
export function randomBelow(bound: bigint): bigint {
  const bytes = Math.ceil(bound.toString(16).length / 2) + 8;
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let v = 0n;
  for (const b of buf) v = (v << 8n) | BigInt(b);
  return v % bound;
}
