/**
 * Markdown helpers of the generated reference pages. The pages are CommonMark (`.md`, Docusaurus `format:
 * detect`), where `<`, `>` and `&` would start raw HTML or entities and `|` would split a table cell, so
 * every piece of text taken from the code goes through {@link text} or {@link code}.
 */

/**
 * Text of a paragraph or a table cell: HTML-significant characters and pipes escaped, one line, and URLs
 * as code (GFM would otherwise turn them into links to other hosts).
 */
export function text(value: string): string {
  return value
    .replace(/\s*\n\s*/g, ' ')
    .split(/(https?:\/\/[^\s)>\]]+)/)
    .map((part, i) =>
      i % 2 === 1
        ? code(part)
        : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|'),
    )
    .join('');
}

/** An inline code span that survives any backticks in `value`, safe in a table cell. */
export function code(value: string): string {
  const escaped = value.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  const fence = escaped.includes('`') ? '``' : '`';
  const pad = escaped.startsWith('`') || escaped.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${escaped}${pad}${fence}`;
}

/** A fenced code block. */
export function block(body: string, language = 'text'): string {
  const fence = body.includes('```') ? '~~~~' : '```';
  return `${fence}${language}\n${body.replace(/\s+$/, '')}\n${fence}`;
}

/** A table; cells must already be escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A heading with an explicit, stable anchor (`{#id}`). */
export function heading(level: number, title: string, id: string): string {
  return `${'#'.repeat(level)} ${title} {#${id}}`;
}

/** A lower-case anchor id made of letters, digits and dashes. */
export function anchor(...parts: string[]): string {
  return parts
    .join('-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Front matter and the "generated" notice every generated page opens with. */
export function generatedPage(front: { title: string; description: string; slug?: string }, source: string) {
  const lines = [
    '---',
    `title: ${JSON.stringify(front.title)}`,
    `description: ${JSON.stringify(front.description)}`,
  ];
  if (front.slug !== undefined) lines.push(`slug: ${front.slug}`);
  lines.push(
    '---',
    '',
    `:::note[Generated]`,
    '',
    `This page is generated at build time from ${source}. Do not edit it.`,
    '',
    ':::',
    '',
  );
  return lines.join('\n');
}

/**
 * Turns the leading comment of a source file into Markdown: prose lines become paragraphs (escaped, with
 * `{@link X}` as code, `- ` lines as list items), lines indented by two or more spaces (the field
 * layouts) become code blocks.
 */
export function sourceCommentToMarkdown(comment: string): string {
  const out: string[] = [];
  let prose: string[] = [];
  let layout: string[] = [];
  const flushProse = () => {
    if (prose.length === 0) return;
    out.push(text(prose.join(' ')).replace(/\{@link ([^}]+)\}/g, (_, name: string) => code(name.trim())));
    prose = [];
  };
  const flushLayout = () => {
    while (layout.length > 0 && layout[layout.length - 1] === '') layout.pop();
    if (layout.length === 0) return;
    const indent = Math.min(...layout.filter((l) => l !== '').map((l) => l.search(/\S/)));
    out.push(block(layout.map((l) => l.slice(indent).replace(/\{@link ([^}]+)\}/g, '$1')).join('\n')));
    layout = [];
  };
  for (const line of comment.split('\n')) {
    if (line.trim() === '') {
      flushProse();
      if (layout.length > 0) layout.push('');
    } else if (/^ {2,}\S/.test(line)) {
      flushProse();
      layout.push(line);
    } else {
      flushLayout();
      if (line.startsWith('- ')) flushProse();
      prose.push(line.trim());
    }
  }
  flushProse();
  flushLayout();
  return out.join('\n\n');
}

/** The leading comment of a source file (`/** … *\/` or consecutive `//` lines), without its markers. */
export function leadingComment(source: string): string {
  const trimmed = source.replace(/^#!.*\n/, '').trimStart();
  if (trimmed.startsWith('/*')) {
    const end = trimmed.indexOf('*/');
    if (end < 0) return '';
    return trimmed
      .slice(2, end)
      .replace(/^\*/, '')
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''))
      .join('\n')
      .trim();
  }
  const lines: string[] = [];
  for (const line of trimmed.split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/^\/\/ ?/, ''));
  }
  return lines.join('\n').trim();
}
