import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError, formatCsvRecord, parseCsv } from '../../src/datasets/index.ts';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);
const lines = (text: string) => parseCsv(text).map((r) => r.line);

function syntaxError(text: string): CsvSyntaxError {
  try {
    parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return err;
    throw err;
  }
  throw new Error('expected a CsvSyntaxError');
}

/** Parses `text` fed in pieces cut at `cuts`. */
function parseInPieces(text: string, cuts: number[]): string[][] {
  const parser = new CsvParser();
  const out = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...parser.feed(text.slice(start, cut)));
    start = cut;
  }
  out.push(...parser.feed(text.slice(start)), ...parser.end());
  return out.map((r) => r.fields);
}

describe('CSV parser (RFC 4180)', () => {
  it('splits simple records on commas and line breaks', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('accepts CRLF, LF and lone CR line breaks, with or without a final one', () => {
    expect(fields('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields('a,b\r1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(lines('a\r\nb\rc\nd')).toEqual([1, 2, 3, 4]);
  });

  it('keeps empty fields: leading, inner, trailing, and a whole empty line', () => {
    expect(fields(',a,,b,\n')).toEqual([['', 'a', '', 'b', '']]);
    expect(fields('a,\r\n')).toEqual([['a', '']]);
    expect(fields('a\n\nb\n')).toEqual([['a'], [''], ['b']]);
    expect(fields('a,b\n,\n')).toEqual([
      ['a', 'b'],
      ['', ''],
    ]);
    expect(fields('')).toEqual([]);
    expect(fields('\r\n')).toEqual([['']]);
  });

  it('unquotes quoted fields, with doubled quotes, commas, CRLF and LF inside', () => {
    expect(fields('"a ""quoted"" word","x,y","line1\r\nline2","l1\nl2",""\r\n')).toEqual([
      ['a "quoted" word', 'x,y', 'line1\r\nline2', 'l1\nl2', ''],
    ]);
    expect(fields('"""",z')).toEqual([['"', 'z']]);
  });

  it('numbers records by the physical line they start on, across embedded line breaks', () => {
    const text = 'h1,h2\r\n"multi\r\nline\r\nvalue",x\r\nnext,y\n"a\nb","c\nd"\nlast,z';
    expect(lines(text)).toEqual([1, 2, 5, 6, 9]);
  });

  it('drops a leading byte-order mark, and only a leading one', () => {
    expect(fields('\uFEFFa,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields('a,\uFEFFb')).toEqual([['a', '\uFEFFb']]);
    expect(fields('"\uFEFFa"')).toEqual([['\uFEFFa']]);
  });

  it('keeps spaces and non-ASCII text as they are', () => {
    expect(fields(' a , 国家税务总局 ,😀\n')).toEqual([[' a ', ' 国家税务总局 ', '😀']]);
  });

  it('rejects a quote inside an unquoted field, with its line and field position', () => {
    const err = syntaxError('a,b\nc,d"e,f\n');
    expect(err).toMatchObject({ line: 2, column: 2 });
    expect(err.reason).toMatch(/quote inside an unquoted field/);
  });

  it('rejects text after a closing quote', () => {
    expect(syntaxError('a\n"x"y,z\n')).toMatchObject({ line: 2, column: 1 });
  });

  it('rejects an unterminated quoted field, at the line the record starts', () => {
    const err = syntaxError('a,b\n1,2\n3,"open\nstill open\nand more');
    expect(err).toMatchObject({ line: 3, column: 2 });
    expect(err.reason).toBe('unterminated quoted field');
  });

  it('rejects a field longer than the limit instead of buffering without end', () => {
    const parser = new CsvParser({ maxFieldLength: 10 });
    expect(() => parser.feed('"0123456789ab')).toThrow(/longer than 10/);
    expect(() => new CsvParser({ maxFieldLength: 10 }).feed('0123456789ab,')).toThrow(CsvSyntaxError);
  });

  it('parses the same records whatever the chunk boundaries (every single cut)', () => {
    const text = '\uFEFFh1,"h,2"\r\n"a""b","c\r\nd"\r\n,e\r\rlast,"x"';
    const whole = fields(text);
    for (let cut = 0; cut <= text.length; cut++) expect(parseInPieces(text, [cut])).toEqual(whole);
  });
});

describe('CSV writer → parser round trip (fast-check)', () => {
  const tricky = fc.constantFrom('a', 'Z', ' ', ',', '"', '\r', '\n', '\r\n', 'é', '国', '😀', '\uFEFF', '');
  const field = fc.oneof(fc.string({ unit: tricky, maxLength: 12 }), fc.string({ maxLength: 12 }));
  const records = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { maxLength: 12 });

  it('parses what the writer wrote', () => {
    fc.assert(
      fc.property(records, (rows) => {
        const text = rows.map(formatCsvRecord).join('');
        expect(fields(text)).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });

  it('parses what the writer wrote when fed in arbitrary chunks', () => {
    fc.assert(
      fc.property(records, fc.array(fc.nat(), { maxLength: 8 }), (rows, rawCuts) => {
        const text = rows.map(formatCsvRecord).join('');
        const cuts = rawCuts.map((c) => (text.length === 0 ? 0 : c % (text.length + 1)));
        expect(parseInPieces(text, cuts)).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });

  it('reports each record at the line it starts on', () => {
    fc.assert(
      fc.property(records, (rows) => {
        const texts = rows.map(formatCsvRecord);
        let line = 1;
        const expected = texts.map((t) => {
          const start = line;
          line += t.split('\n').length - 1;
          return start;
        });
        expect(lines(texts.join(''))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
