// A snippet from docs/snippets: the exact file CI runs (scripts/test/docs-snippets.test.ts), shown whole.
import CodeBlock from '@theme/CodeBlock';

export interface SnippetProps {
  /** The file's text: `import source from '../snippets/x.ts?raw'`. */
  source: string;
  /** The file name, e.g. `sm3.ts`. */
  file: string;
}

export default function Snippet({ source, file }: SnippetProps) {
  return (
    <CodeBlock language="ts" title={`docs/snippets/${file} — run in CI`} showLineNumbers>
      {source.trimEnd()}
    </CodeBlock>
  );
}
