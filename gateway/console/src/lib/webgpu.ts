/**
 * Whether this browser exposes WebGPU, and which adapter it would use. The console only reports it: the
 * proofs are verified by snarkjs (WebAssembly); WebGPU verification is the accelerator's
 * (`accel/src/webgpu`).
 */

/** What the browser says about WebGPU. */
export type WebGpuStatus =
  | { available: false; reason: string }
  | { available: true; adapter: string; fallback: boolean };

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: GpuAdapterInfoLike; isFallbackAdapter?: boolean } | null>;
}

/** Asks `navigator.gpu` for an adapter. */
export async function webGpuStatus(): Promise<WebGpuStatus> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (gpu === undefined) return { available: false, reason: 'navigator.gpu is not exposed by this browser' };
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return { available: false, reason: 'navigator.gpu exists but offers no adapter' };
    const info = adapter.info ?? {};
    const name =
      [info.vendor, info.architecture, info.device, info.description]
        .filter((s) => s !== undefined && s !== '')
        .join(' / ') || 'unnamed adapter';
    return { available: true, adapter: name, fallback: adapter.isFallbackAdapter === true };
  } catch (err) {
    return { available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
