// The WebAssembly JS API as this package uses it (lib ES2023 without DOM types declares no WebAssembly
// value): compile a module, instantiate it without imports, read its memory.

/** An instance's linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** A compiled module (opaque). */
export type WasmModule = object;

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule) => { exports: Record<string, unknown> };
}

const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiles a module synchronously (the generated modules are small). */
export function compileModule(bytes: Uint8Array): WasmModule {
  return new api.Module(bytes);
}

/** Instantiates a module without imports; returns its exports. */
export function instantiate<T>(module: WasmModule): T {
  return new api.Instance(module).exports as T;
}
