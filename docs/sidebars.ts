import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

// One sidebar, in the order a newcomer reads: start, ideas, tasks by role, reference, then the rest.
const sidebars: SidebarsConfig = {
  docs: [
    'getting-started',
    {
      type: 'category',
      label: 'Concepts',
      collapsed: false,
      items: [
        'concepts/commitments',
        'concepts/zero-knowledge-proofs',
        'concepts/mpc',
        'concepts/ledger',
        'concepts/accelerator',
      ],
    },
    {
      type: 'category',
      label: 'Guides',
      collapsed: false,
      items: ['guides/agency', 'guides/auditor', 'guides/developer', 'guides/operator'],
    },
    {
      type: 'category',
      label: 'Reference',
      items: [
        'reference/http-api',
        'reference/cli',
        'reference/gateway-config',
        'reference/ledger-formats',
        'reference/circuits',
        'reference/accelerator',
      ],
    },
    'security-model',
    'performance',
    'troubleshooting',
  ],
};

export default sidebars;
