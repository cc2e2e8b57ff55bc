// The PrivGate documentation site. Built offline: no analytics, no external fonts, scripts or search
// services; `scripts/check-offline.mjs` fails the build if any page loads something from another host.
import type { Config, LoadContext, Plugin } from '@docusaurus/types';
import { themes as prismThemes } from 'prism-react-renderer';

/**
 * `import source from './file.ts?raw'` gives a file's text (webpack's built-in `asset/source`), so pages
 * show the very files CI runs (raw-loader is not installed, and webpack 5 does not need it). The script
 * rules skip `?raw` requests, so the file is not compiled as well.
 */
function rawSource(): Plugin {
  return {
    name: 'privgate-raw-source',
    configureWebpack(config) {
      for (const rule of config.module?.rules ?? []) {
        if (rule && typeof rule === 'object' && rule.test instanceof RegExp && rule.test.test('x.ts')) {
          rule.resourceQuery = { not: [/raw/] };
        }
      }
      return { module: { rules: [{ resourceQuery: /raw/, type: 'asset/source' }] } };
    },
  };
}

/**
 * This package is `"type": "module"` (its scripts are ESM), so webpack would parse the `.js` files
 * Docusaurus generates into `.docusaurus/` as strict ES modules, where `require.resolveWeak` (used by its
 * route registry) is not available. Parse those as `javascript/auto`, as in any other Docusaurus site.
 */
function generatedFilesAsAuto(context: LoadContext): Plugin {
  return {
    name: 'privgate-generated-files-as-auto',
    configureWebpack() {
      return {
        module: {
          rules: [{ test: /\.js$/i, include: [context.generatedFilesDir], type: 'javascript/auto' }],
        },
      };
    },
  };
}

const config: Config = {
  title: 'PrivGate',
  tagline: 'Data available but not visible: a privacy-computing gateway for inter-ministry data sharing',
  // The site's own address (canonical links); the offline check allows only this host.
  url: 'https://privgate.dev',
  baseUrl: '/',
  trailingSlash: false,
  // The banner that explains a wrong baseUrl links to docusaurus.io; the site must not reference other hosts.
  baseUrlIssueBanner: false,
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onDuplicateRoutes: 'throw',
  markdown: {
    // `.md` files (the generated references among them) are CommonMark; `.mdx` files may use components.
    format: 'detect',
    hooks: { onBrokenMarkdownLinks: 'throw', onBrokenMarkdownImages: 'throw' },
  },
  i18n: { defaultLocale: 'en', locales: ['en'] },
  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: '/',
          sidebarPath: './sidebars.ts',
        },
        blog: false,
        pages: false,
        theme: { customCss: './src/css/custom.css' },
        sitemap: false,
      },
    ],
  ],
  plugins: [rawSource, generatedFilesAsAuto],
  themeConfig: {
    navbar: {
      title: 'PrivGate',
      items: [
        { type: 'docSidebar', sidebarId: 'docs', position: 'left', label: 'Docs' },
        { to: '/reference/http-api', label: 'HTTP API', position: 'left' },
        { to: '/reference/cli', label: 'CLI', position: 'left' },
      ],
    },
    footer: {
      style: 'dark',
      copyright: 'PrivGate — Apache-2.0. This site works offline: it loads nothing from other hosts.',
    },
    prism: {
      theme: prismThemes.github,
      darkTheme: prismThemes.dracula,
      additionalLanguages: ['bash', 'json', 'sql'],
    },
    colorMode: { respectPrefersColorScheme: true },
  },
};

export default config;
