/**
 * The web console at `/console`: the static build of `gateway/console` (`npm run console:build`), or a
 * directory the configuration names. The files are served with a strict Content Security Policy (only
 * this origin; WebAssembly and blob workers for snarkjs's verifier), hashed assets cached for good and
 * `index.html` never. When the directory holds no build, `/console` says so: an HTML page for a browser,
 * problem+json (`CONSOLE_NOT_BUILT`, 503) for anything else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../http/problem.ts';

/** Where `npm run console:build` writes the console. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** The console's Content Security Policy (see the file comment). */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PrivGate console not built</title></head>
<body><main><h1>The PrivGate console is not built</h1>
<p>This gateway serves the web console from <code>gateway/console/dist</code>, which does not exist yet.
Build it once with <code>npm run console:build</code> (or set <code>consoleDir</code> in the gateway
configuration), then reload this page.</p></main></body></html>
`;

/**
 * The router mounted at `/console`.
 * @param dir the built console (default {@link DEFAULT_CONSOLE_DIR}).
 */
export function consoleRouter(dir: string = DEFAULT_CONSOLE_DIR): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  router.use(
    express.static(dir, {
      index: 'index.html',
      dotfiles: 'deny',
      redirect: true,
      setHeaders: (res, path) => {
        // Vite names assets by content hash; index.html names the current ones.
        res.setHeader(
          'Cache-Control',
          path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  router.use((req, res, next) => {
    if (existsSync(join(dir, 'index.html'))) {
      next();
      return;
    }
    res.status(503).setHeader('Cache-Control', 'no-store');
    if (req.accepts(['text/html', 'application/problem+json', 'application/json']) === 'text/html') {
      res.type('html').send(NOT_BUILT_HTML);
      return;
    }
    res.type(PROBLEM_CONTENT_TYPE).json({
      type: `${PROBLEM_TYPE_BASE}CONSOLE_NOT_BUILT`,
      title: 'Web console not built',
      status: 503,
      code: 'CONSOLE_NOT_BUILT',
      detail: 'the web console is not built: run `npm run console:build`',
    });
  });
  return router;
}
