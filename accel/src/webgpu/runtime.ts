/// <reference types="@webgpu/types" />
// The host side shared by every kernel: compiled pipelines cached by name, storage buffers reused
// across calls (grow-only), one submission per job, and jobs serialised so reused buffers are never
// shared by two calls in flight. A job records all its passes into one command encoder and reads its
// results back with one mapAsync: one round trip per batch, whatever the number of kernels.
import { AccelError } from '../errors.ts';

/** One compute dispatch of a job. */
export interface GpuPass {
  pipeline: GPUComputePipeline;
  /** Buffers bound at @group(0) @binding(i), in order. */
  buffers: readonly GPUBuffer[];
  /** Invocations wanted; the grid is (ceil(invocations / workgroupSize), …) folded into 2-D. */
  invocations: number;
  workgroupSize: number;
}

/** Largest workgroup count per dispatch dimension guaranteed by WebGPU. */
const MAX_GROUPS_PER_DIM = 65_535;

/** The dispatch grid for `invocations` threads; kernels rebuild the linear id with {@link LINEAR_ID}. */
export function dispatchGrid(invocations: number, workgroupSize: number): [number, number] {
  const groups = Math.max(1, Math.ceil(invocations / workgroupSize));
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / y), y];
}

/** WGSL: the linear invocation id of a 2-D dispatch made by {@link dispatchGrid}. */
export const LINEAR_ID = (workgroupSize: number) => `(gid.x + gid.y * nwg.x * ${workgroupSize}u)`;

/** Pipelines, buffers and submission for one device. */
export class GpuRuntime {
  readonly device: GPUDevice;
  readonly #pipelines = new Map<string, Promise<GPUComputePipeline>>();
  readonly #buffers = new Map<string, GPUBuffer>();
  #chain: Promise<unknown> = Promise.resolve();
  #lost: string | undefined;

  constructor(device: GPUDevice) {
    this.device = device;
    void device.lost.then((info) => {
      this.#lost = info.message || String(info.reason);
    });
  }

  /** Largest storage buffer a kernel may bind. */
  get maxBindingBytes(): number {
    return Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
  }

  /**
   * A compute pipeline, compiled once per name.
   * @throws {AccelError} ACCEL_BACKEND_UNAVAILABLE if the shader does not compile.
   */
  pipeline(name: string, code: string, entryPoint = 'main'): Promise<GPUComputePipeline> {
    const key = `${name}#${entryPoint}`;
    let p = this.#pipelines.get(key);
    if (!p) {
      p = this.#compile(name, code, entryPoint);
      this.#pipelines.set(key, p);
      p.catch(() => this.#pipelines.delete(key));
    }
    return p;
  }

  async #compile(name: string, code: string, entryPoint: string): Promise<GPUComputePipeline> {
    const module = this.device.createShaderModule({ label: name, code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      const text = errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
      throw this.#failure(`shader ${name} does not compile: ${text}`);
    }
    try {
      return await this.device.createComputePipelineAsync({
        label: `${name}:${entryPoint}`,
        layout: 'auto',
        compute: { module, entryPoint },
      });
    } catch (err) {
      throw this.#failure(
        `pipeline ${name}:${entryPoint}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /**
   * A storage buffer of at least `bytes` bytes, reused by every call with the same name (its
   * contents are whatever the last user left). Sizes grow by powers of two so that batches of
   * varying size do not reallocate each time.
   */
  buffer(name: string, bytes: number, usage = 0): GPUBuffer {
    const need = Math.max(16, bytes);
    const old = this.#buffers.get(name);
    if (old && old.size >= need) return old;
    old?.destroy();
    let size = 256;
    while (size < need) size *= 2;
    if (size > this.device.limits.maxBufferSize) size = Math.ceil(need / 4) * 4;
    if (size > this.device.limits.maxBufferSize) {
      throw new AccelError(
        'ACCEL_INVALID_BATCH',
        `webgpu: buffer ${name} of ${need} bytes exceeds the device`,
        {
          bytes: need,
          max: this.device.limits.maxBufferSize,
        },
      );
    }
    const buf = this.device.createBuffer({
      label: name,
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | usage,
    });
    this.#buffers.set(name, buf);
    return buf;
  }

  /** A uniform buffer holding `words` (reused by name). */
  uniform(name: string, words: Uint32Array): GPUBuffer {
    const key = `uniform:${name}`;
    let buf = this.#buffers.get(key);
    if (!buf || buf.size < words.byteLength) {
      buf?.destroy();
      buf = this.device.createBuffer({
        label: key,
        size: Math.max(16, Math.ceil(words.byteLength / 16) * 16),
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      this.#buffers.set(key, buf);
    }
    this.device.queue.writeBuffer(buf, 0, words.buffer, words.byteOffset, words.byteLength);
    return buf;
  }

  /** Copies `data` into the start of `buffer` (queued before the next submission). */
  write(buffer: GPUBuffer, data: ArrayBufferView): void {
    const bytes = Math.ceil(data.byteLength / 4) * 4;
    if (bytes === data.byteLength) {
      this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    } else {
      const padded = new Uint8Array(bytes);
      padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      this.device.queue.writeBuffer(buffer, 0, padded);
    }
  }

  /**
   * Runs one job exclusively: `record` may write buffers and returns the passes to run, zero-fills
   * and what to read back; all of it is submitted at once and the results are copied out.
   */
  run(
    record: () => Promise<{
      clears?: readonly GPUBuffer[];
      passes: readonly GpuPass[];
      read: readonly { buffer: GPUBuffer; bytes: number }[];
    }>,
  ): Promise<Uint8Array[]> {
    const job = this.#chain.then(async () => {
      if (this.#lost !== undefined) throw this.#failure(`device lost: ${this.#lost}`);
      // Every call of the job (buffers, bind groups, encoding, submission) under one pair of scopes, so
      // a validation or out-of-memory error fails this job instead of surfacing later as uncaptured.
      this.device.pushErrorScope('validation');
      this.device.pushErrorScope('out-of-memory');
      let scoped = true;
      const popScopes = async (): Promise<GPUError | null> => {
        scoped = false;
        const oom = await this.device.popErrorScope();
        const invalid = await this.device.popErrorScope();
        return oom ?? invalid;
      };
      try {
        const plan = await record();
        const enc = this.device.createCommandEncoder();
        for (const b of plan.clears ?? []) enc.clearBuffer(b);
        for (const pass of plan.passes) {
          const cp = enc.beginComputePass();
          cp.setPipeline(pass.pipeline);
          cp.setBindGroup(
            0,
            this.device.createBindGroup({
              layout: pass.pipeline.getBindGroupLayout(0),
              entries: pass.buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
            }),
          );
          const [x, y] = dispatchGrid(pass.invocations, pass.workgroupSize);
          cp.dispatchWorkgroups(x, y);
          cp.end();
        }
        const staging = plan.read.map(({ buffer, bytes }, i) => {
          const size = Math.max(4, Math.ceil(bytes / 4) * 4);
          const key = `staging:${i}`;
          let s = this.#buffers.get(key);
          if (!s || s.size < size) {
            s?.destroy();
            let cap = 256;
            while (cap < size) cap *= 2;
            s = this.device.createBuffer({
              label: key,
              size: cap,
              usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
            });
            this.#buffers.set(key, s);
          }
          enc.copyBufferToBuffer(buffer, 0, s, 0, size);
          return { s, bytes, size };
        });
        this.device.queue.submit([enc.finish()]);
        const error = await popScopes();
        if (error) throw this.#failure(error.message);
        const out: Uint8Array[] = [];
        for (const { s, bytes, size } of staging) {
          await s.mapAsync(GPUMapMode.READ, 0, size);
          out.push(new Uint8Array(s.getMappedRange(0, size).slice(0, bytes)));
          s.unmap();
        }
        return out;
      } finally {
        if (scoped) await popScopes();
      }
    });
    this.#chain = job.catch(() => undefined);
    return job;
  }

  #failure(reason: string): AccelError {
    return new AccelError('ACCEL_BACKEND_UNAVAILABLE', `webgpu: ${reason}`, { backend: 'webgpu', reason });
  }

  /** Frees every buffer (pipelines go with the device). */
  destroy(): void {
    for (const b of this.#buffers.values()) b.destroy();
    this.#buffers.clear();
    this.#pipelines.clear();
  }
}
