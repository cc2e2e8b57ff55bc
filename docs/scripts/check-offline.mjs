// Fails the docs build when the built site would load anything from another host: every HTML attribute
// that names a URL (src, href, srcset, …), every CSS url() and @import, and known analytics, font and
// CDN hosts anywhere in the scripts. Runs after `docusaurus build` (the `postbuild` script).
//
//   node scripts/check-offline.mjs [buildDir]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The site's own host (docusaurus.config.ts `url`): canonical links and og:url point there. */
const OWN_HOSTS = new Set(['privgate.dev']);
/** Hosts of trackers, web fonts and CDNs; none may appear even in a script's strings. */
const FORBIDDEN_IN_SCRIPTS = [
  'googletagmanager.com',
  'google-analytics.com',
  'fonts.googleapis.com',
  'fonts.gstatic.com',
  'cdn.jsdelivr.net',
  'unpkg.com',
  'cdnjs.cloudflare.com',
  'algolia.net',
  'algolianet.com',
  'plausible.io',
  'hotjar.com',
];

const buildDir = process.argv[2] ?? fileURLToPath(new URL('../build/', import.meta.url));
const ATTRIBUTE =
  /\s(src|href|srcset|action|poster|data|formaction|xlink:href|content|ping|manifest)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const CSS_URL = /url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3/gi;

/** The host of an absolute or protocol-relative URL, or undefined for a local one. */
function externalHost(url) {
  const match = /^\s*(?:https?:)?\/\/([^/?#:\s]+)/i.exec(url);
  if (match === null) return undefined;
  const host = match[1].toLowerCase();
  return OWN_HOSTS.has(host) ? undefined : host;
}

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

const problems = [];
const counts = { html: 0, css: 0, js: 0 };
const report = (file, what) => problems.push(`${relative(buildDir, file)}: ${what}`);

function checkCss(file, text) {
  for (const m of text.matchAll(CSS_URL)) {
    const url = m[2] ?? m[4];
    const host = externalHost(url);
    if (host !== undefined) report(file, `CSS loads ${url}`);
  }
}

for (const file of files(buildDir)) {
  if (file.endsWith('.html')) {
    counts.html++;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(ATTRIBUTE)) {
      const name = m[1].toLowerCase();
      const value = m[2] ?? m[3] ?? m[4] ?? '';
      const urls = name === 'srcset' ? value.split(',').map((s) => s.trim().split(/\s+/)[0]) : [value];
      for (const url of urls) {
        // `content` is only a URL in meta tags such as og:url and og:image.
        if (name === 'content' && !/^\s*(https?:)?\/\//i.test(url)) continue;
        const host = externalHost(url);
        if (host !== undefined) report(file, `${name}="${url}"`);
      }
    }
    for (const style of text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>|style="([^"]*)"/gi)) {
      checkCss(file, style[1] ?? style[2] ?? '');
    }
  } else if (file.endsWith('.css')) {
    counts.css++;
    checkCss(file, readFileSync(file, 'utf8'));
  } else if (file.endsWith('.js')) {
    counts.js++;
    const text = readFileSync(file, 'utf8');
    for (const host of FORBIDDEN_IN_SCRIPTS) if (text.includes(host)) report(file, `script mentions ${host}`);
  }
}

if (counts.html === 0) {
  console.error(`check-offline: no HTML in ${buildDir}; build the site first`);
  process.exit(1);
}
if (problems.length > 0) {
  console.error(`check-offline: ${problems.length} reference(s) to other hosts:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `check-offline: ${counts.html} HTML pages, ${counts.css} style sheets, ${counts.js} scripts; nothing loads from another host`,
);
