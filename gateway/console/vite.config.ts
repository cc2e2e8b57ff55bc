/**
 * Build of the web console (`npm run console:build`): a static Preact app in `gateway/console/dist`,
 * served by every gateway at `/console`. No external URL: every script, style and key is bundled.
 *
 * The console runs the project's own modules in the browser (the agency signs its query with
 * `authorizeQuery` and `LedgerAccount`; the auditor runs `verifyQueryFromLedger`). Their packages'
 * indexes also export the Node-only parts (worker pools, LevelDB, libp2p, file artifacts), so the build
 * resolves those indexes, and the few gateway index modules the query modules import, to browser entries
 * in `src/platform/` that re-export only the pure modules. JSX is compiled by esbuild (Preact's automatic
 * runtime); no plugin is needed for it.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const platform = (file: string) => resolve(here, 'src/platform', file);
const gatewaySrc = resolve(here, '../src');

/** Package indexes → browser entries. */
const PACKAGES: Record<string, string> = {
  '@privgate/accel': platform('accel.ts'),
  '@privgate/ledger': platform('ledger.ts'),
  '@privgate/circuits': platform('circuits.ts'),
};

/** Gateway modules (by resolved path) → browser entries. */
const MODULES = new Map<string, string>([
  [resolve(gatewaySrc, 'datasets/index.ts'), platform('datasets.ts')],
  [resolve(gatewaySrc, 'contribution/index.ts'), platform('contribution.ts')],
  [resolve(gatewaySrc, 'ledger-client/proof-verifier.ts'), platform('proof-verifier.ts')],
]);

function browserEntries(): Plugin {
  return {
    name: 'privgate-browser-entries',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const pkg = PACKAGES[source];
      if (pkg !== undefined) return pkg;
      if (importer === undefined || !source.startsWith('.')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved !== null ? (MODULES.get(resolved.id) ?? null) : null;
    },
  };
}

export default defineConfig({
  root: here,
  base: '/console/',
  publicDir: false,
  plugins: [browserEntries()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { conditions: ['browser', 'module', 'import', 'default'] },
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    modulePreload: { polyfill: false },
    rollupOptions: {
      onwarn(warning, warn) {
        // zod's comments that Rollup cannot place (INVALID_ANNOTATION) are noise, not a problem of ours.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules') === true) return;
        warn(warning);
      },
    },
  },
  logLevel: 'info',
});
