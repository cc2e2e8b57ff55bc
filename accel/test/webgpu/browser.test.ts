// The kernels in a browser: the same modules, bundled by esbuild, run in headless chromium through
// navigator.gpu (SwiftShader there too, with --enable-unsafe-webgpu), and their outputs equal the Node
// references. Also: without allowSoftwareAdapter the browser's software adapter is refused.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { pippenger } from '@noble/curves/abstract/curve.js';
import { bn254 } from '@noble/curves/bn254.js';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { poseidonReference } from '../../src/poseidon/reference.ts';
import { sm3 } from '../../src/sm3/index.ts';
import type { BrowserCheckInput } from './browser-entry.ts';
import { randomBelow } from './gpu-fixture.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? '' : ` [skipped: no ${CHROMIUM}; apt-get install chromium]`;

describe.skipIf(skip !== '')(`webgpu kernels in chromium via navigator.gpu${skip}`, () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it('SM3, MSM and Poseidon in the browser equal the Node references', async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./browser-entry.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      external: ['node:*', 'webgpu'],
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0]!.text;
    // navigator.gpu exists only in secure contexts, which 127.0.0.1 is and data: URLs are not.
    server = createServer((req, res) => {
      if (req.url === '/entry.js') {
        res.setHeader('content-type', 'text/javascript');
        res.end(js);
      } else {
        res.setHeader('content-type', 'text/html');
        res.end('<!doctype html><title>webgpu</title><script type="module" src="/entry.js"></script>');
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };

    const P = bn254.G1.Point;
    const pts = [P.BASE, P.BASE.multiply(5n), P.BASE.multiply(randomBelow(P.Fn.ORDER))];
    const scalars = pts.map(() => randomBelow(P.Fn.ORDER));
    const messages = [
      new Uint8Array(0),
      new TextEncoder().encode('abc'),
      crypto.getRandomValues(new Uint8Array(130)),
    ];
    const pairs: [bigint, bigint][] = [
      [1n, 2n],
      [randomBelow(P.Fn.ORDER), randomBelow(P.Fn.ORDER)],
    ];
    const input: BrowserCheckInput = {
      messages: messages.map((m) => Array.from(m)),
      points: pts.map((q) => {
        const a = q.toAffine();
        return [a.x.toString(16), a.y.toString(16)];
      }),
      scalars: scalars.map((s) => s.toString(16)),
      pairs: pairs.map(([a, b]) => [a.toString(16), b.toString(16)]),
    };

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => 'privgateWebGpuCheck' in globalThis);
      const out = await page.evaluate(
        (arg) =>
          (
            globalThis as unknown as {
              privgateWebGpuCheck: (i: typeof arg) => Promise<{
                adapter: { software: boolean; architecture: string };
                refusal: string;
                sm3: string[];
                msm: [string, string];
                poseidon: string[];
              }>;
            }
          ).privgateWebGpuCheck(arg),
        input,
      );
      if (out.adapter.software) expect(out.refusal).toBe('ACCEL_BACKEND_UNAVAILABLE');
      expect(out.sm3).toEqual(messages.map((m) => Buffer.from(sm3(m)).toString('hex')));
      const want = pippenger(P, pts, scalars).toAffine();
      expect(out.msm.map((h) => BigInt(`0x${h}`))).toEqual([want.x, want.y]);
      expect(out.poseidon.map((h) => BigInt(`0x${h}`))).toEqual(pairs.map((p) => poseidonReference(p)));
    } finally {
      await browser.close();
    }
  });
});
