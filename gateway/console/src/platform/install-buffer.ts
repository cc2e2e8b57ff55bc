/**
 * Installs {@link BrowserBuffer} as `globalThis.Buffer` when the platform has none. `main.tsx` imports
 * this module first, so it runs before any module that reads `Buffer` at load time (the ledger's byte
 * helpers do).
 */
import { BrowserBuffer } from './buffer.ts';

if (!('Buffer' in globalThis)) {
  Object.defineProperty(globalThis, 'Buffer', { value: BrowserBuffer, writable: false, configurable: true });
}
