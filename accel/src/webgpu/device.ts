/// <reference types="@webgpu/types" />
// Finding a WebGPU adapter and opening a device: `navigator.gpu` in browsers, the `webgpu` package
// (Dawn's dawn.node) in Node. Software adapters (SwiftShader, lavapipe, llvmpipe, WARP) are only
// used when the caller asks for them: they are for tests and CI, never a performance choice.
import { AccelError } from '../errors.ts';

/** What an adapter says about itself, plus our verdict on whether it is a software rasteriser. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for CPU implementations (SwiftShader, lavapipe, llvmpipe, WARP). */
  software: boolean;
}

/** An open device and where it came from. */
export interface GpuHandle {
  readonly device: GPUDevice;
  readonly adapter: GpuAdapterSummary;
  /** Destroys the device and lets the Dawn instance go, so the process can exit. */
  release(): void;
}

/** Options of {@link openGpuDevice}. */
export interface OpenGpuOptions {
  /** Accept a software adapter (default false): for tests and CI only. */
  allowSoftwareAdapter?: boolean;
  /** Dawn toggles for Node, e.g. `['backend=vulkan']`; ignored in browsers. */
  dawnOptions?: readonly string[];
}

// Where Debian's and Ubuntu's chromium packages put SwiftShader's Vulkan driver manifest.
const SWIFTSHADER_ICDS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];

const SOFTWARE_NAMES = /swiftshader|lavapipe|llvmpipe|softpipe|software|microsoft basic render|warp/i;

/** True if the adapter is a CPU implementation of WebGPU. */
export function isSoftwareAdapter(info: {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}): boolean {
  if (info.isFallbackAdapter === true) return true;
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
  return SOFTWARE_NAMES.test(text);
}

/**
 * Makes SwiftShader's Vulkan driver visible to Dawn when chromium's copy of it is installed, by
 * appending it to `VK_ADD_DRIVER_FILES` (additive: hardware drivers stay visible). Does nothing if
 * the caller already chose drivers (`VK_ICD_FILENAMES` / `VK_DRIVER_FILES`), in browsers, or when
 * the file is absent. Must run before the first Dawn instance is created to take effect.
 * @returns the manifest path in use, or undefined.
 */
export async function addSoftwareVulkanDriver(): Promise<string | undefined> {
  const env = globalThis.process?.env;
  if (!env || globalThis.process?.versions?.node === undefined) return undefined;
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return undefined;
  const { existsSync } = await import('node:fs');
  const icd = SWIFTSHADER_ICDS.find((f) => existsSync(f));
  if (!icd) return undefined;
  const current = env.VK_ADD_DRIVER_FILES;
  if (!current?.split(':').includes(icd)) env.VK_ADD_DRIVER_FILES = current ? `${current}:${icd}` : icd;
  return icd;
}

interface NodeWebGpu {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

const WEBGPU_PACKAGE = 'webgpu';

async function gpuEntryPoint(dawnOptions: readonly string[]): Promise<GPU | undefined> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (globalThis.process?.versions?.node === undefined) return undefined;
  let mod: NodeWebGpu;
  try {
    mod = (await import(WEBGPU_PACKAGE)) as NodeWebGpu;
  } catch {
    return undefined; // the optional native package is missing or has no build for this platform
  }
  // dawn.node's classes (GPUBufferUsage, …) must be globals for WebGPU code written for browsers.
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  return mod.create([...dawnOptions]);
}

function summarise(info: GPUAdapterInfo): GpuAdapterSummary {
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: isSoftwareAdapter(info as GPUAdapterInfo & { isFallbackAdapter?: boolean }),
  };
}

/**
 * Finds an adapter without opening a device.
 * @returns the adapter's summary, or undefined if there is none acceptable.
 */
export async function probeGpuAdapter(options: OpenGpuOptions = {}): Promise<GpuAdapterSummary | undefined> {
  const handle = await openGpuDevice(options).catch(() => undefined);
  if (!handle) return undefined;
  const { adapter } = handle;
  handle.release();
  return adapter;
}

/**
 * Opens a WebGPU device.
 * @throws {AccelError} ACCEL_BACKEND_UNAVAILABLE when there is no WebGPU implementation, no adapter,
 *   only a software adapter and `allowSoftwareAdapter` is not set, or the device cannot be opened.
 */
export async function openGpuDevice(options: OpenGpuOptions = {}): Promise<GpuHandle> {
  const allowSoftware = options.allowSoftwareAdapter === true;
  if (allowSoftware) await addSoftwareVulkanDriver();
  let gpu = await gpuEntryPoint(options.dawnOptions ?? []);
  const unavailable = (reason: string) =>
    new AccelError('ACCEL_BACKEND_UNAVAILABLE', `webgpu: ${reason}`, { backend: 'webgpu', reason });
  if (!gpu) throw unavailable('no WebGPU implementation (navigator.gpu or the webgpu package)');
  let adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    gpu = undefined;
    throw unavailable('no adapter');
  }
  const summary = summarise(adapter.info);
  if (summary.software && !allowSoftware) {
    adapter = null;
    gpu = undefined;
    throw unavailable(`only a software adapter (${summary.vendor} ${summary.architecture}) is available`);
  }
  const limits = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      },
    });
  } catch (err) {
    throw unavailable(`requestDevice failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  let released = false;
  return {
    device,
    adapter: summary,
    release: () => {
      if (released) return;
      released = true;
      device.destroy();
      // Dropping the last reference to the GPU object lets dawn.node stop its event loop.
      gpu = undefined;
      adapter = null;
    },
  };
}
