/**
 * CSV after RFC 4180: a streaming parser and the matching writer.
 *
 * The parser takes text in chunks of any size (a quoted field, a CRLF or a surrogate pair may straddle
 * two chunks) and reports each record with the physical line it starts on, so an import can name the
 * line of a bad row even when quoted fields hold newlines. It accepts CRLF, LF and lone CR line breaks,
 * drops a leading byte-order mark, and is strict where RFC 4180 is: a quote inside an unquoted field,
 * text after a closing quote, or an unterminated quote is an error, not a guess. A field longer than
 * `maxFieldLength` is an error too, so one stray quote cannot make the parser buffer a whole file.
 */

/** A parsed record and the line (from 1) it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** Malformed CSV: the line and the 1-based field position where parsing stopped. */
export class CsvSyntaxError extends SyntaxError {
  override readonly name = 'CsvSyntaxError';
  readonly line: number;
  readonly column: number;
  /** The message without its position. */
  readonly reason: string;

  constructor(reason: string, line: number, column: number) {
    super(`line ${line}, field ${column}: ${reason}`);
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

export interface CsvParserOptions {
  /** Longest field accepted, in UTF-16 code units; default 1 MiB. */
  maxFieldLength?: number;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

const State = {
  /** At the start of a field (after a comma, or at the start of a record when no field is pending). */
  FieldStart: 0,
  /** Inside an unquoted field. */
  Unquoted: 1,
  /** Inside a quoted field. */
  Quoted: 2,
  /** Just after a quote inside a quoted field: a second quote, a comma or a line break must follow. */
  QuoteInQuoted: 3,
  /** Just after a CR that ended a record: a LF here belongs to it. */
  AfterCr: 4,
} as const;
type State = (typeof State)[keyof typeof State];

/**
 * An incremental RFC 4180 parser.
 * @example
 * const parser = new CsvParser();
 * for await (const chunk of textChunks) for (const record of parser.feed(chunk)) use(record);
 * for (const record of parser.end()) use(record);
 */
export class CsvParser {
  readonly #maxFieldLength: number;
  #state: State = State.FieldStart;
  #fields: string[] = [];
  #field = '';
  #line = 1;
  #recordLine = 1;
  #started = false;
  #ended = false;

  constructor(options: CsvParserOptions = {}) {
    this.#maxFieldLength = options.maxFieldLength ?? 1024 * 1024;
  }

  /** The physical line the parser is on (from 1). */
  get line(): number {
    return this.#line;
  }

  /**
   * Parses the next chunk of text.
   * @param out receives the completed records; on an error it holds those before the error.
   * @returns the records completed by this chunk (`out`).
   * @throws {CsvSyntaxError} on malformed CSV.
   */
  feed(text: string, out: CsvRecord[] = []): CsvRecord[] {
    if (this.#ended) throw new TypeError('feed() after end()');
    let i = 0;
    const n = text.length;
    if (!this.#started && n > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === BOM) i = 1;
    }
    while (i < n) {
      switch (this.#state) {
        case State.AfterCr: {
          if (text.charCodeAt(i) === LF) i++;
          this.#state = State.FieldStart;
          break;
        }
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (this.#fields.length === 0) this.#recordLine = this.#line;
          if (c === QUOTE) {
            this.#state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            this.#fields.push('');
            i++;
          } else if (c === LF || c === CR) {
            this.#fields.push('');
            i = this.#endRecord(text, i, c, out);
          } else {
            this.#state = State.Unquoted;
          }
          break;
        }
        case State.Unquoted: {
          const start = i;
          let c = 0;
          while (i < n) {
            c = text.charCodeAt(i);
            if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
            i++;
          }
          this.#append(text, start, i);
          if (i === n) break;
          if (c === QUOTE) throw this.#error('a quote inside an unquoted field (quote the whole field)');
          this.#fields.push(this.#field);
          this.#field = '';
          if (c === COMMA) {
            this.#state = State.FieldStart;
            i++;
          } else {
            i = this.#endRecord(text, i, c, out);
          }
          break;
        }
        case State.Quoted: {
          const start = i;
          while (i < n) {
            const c = text.charCodeAt(i);
            if (c === QUOTE) break;
            if (c === LF) this.#line++;
            i++;
          }
          this.#append(text, start, i);
          if (i < n) {
            this.#state = State.QuoteInQuoted;
            i++;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.#append(text, i, i + 1);
            this.#state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            this.#fields.push(this.#field);
            this.#field = '';
            this.#state = State.FieldStart;
            i++;
          } else if (c === LF || c === CR) {
            this.#fields.push(this.#field);
            this.#field = '';
            i = this.#endRecord(text, i, c, out);
          } else {
            throw this.#error('text after a closing quote (a quote inside a quoted field is written "")');
          }
          break;
        }
      }
    }
    return out;
  }

  /**
   * Ends the input: a last record without a line break is returned.
   * @throws {CsvSyntaxError} when a quoted field is unterminated.
   */
  end(out: CsvRecord[] = []): CsvRecord[] {
    if (this.#ended) return out;
    this.#ended = true;
    switch (this.#state) {
      case State.Quoted:
        throw new CsvSyntaxError('unterminated quoted field', this.#recordLine, this.#fields.length + 1);
      case State.Unquoted:
      case State.QuoteInQuoted:
        this.#fields.push(this.#field);
        this.#field = '';
        break;
      case State.FieldStart:
        // After a comma the record has a last, empty field; at a record start there is no record.
        if (this.#fields.length > 0) this.#fields.push('');
        break;
      case State.AfterCr:
        break;
    }
    if (this.#fields.length > 0) out.push({ fields: this.#fields, line: this.#recordLine });
    this.#fields = [];
    return out;
  }

  #append(text: string, start: number, end: number): void {
    if (end === start) return;
    this.#field = this.#field === '' ? text.slice(start, end) : this.#field + text.slice(start, end);
    if (this.#field.length > this.#maxFieldLength) {
      throw this.#error(`field longer than ${this.#maxFieldLength} characters`);
    }
  }

  /** Emits the record ended by the line break `c` at `i`; returns the index after the break. */
  #endRecord(text: string, i: number, c: number, out: CsvRecord[]): number {
    out.push({ fields: this.#fields, line: this.#recordLine });
    this.#fields = [];
    this.#line++;
    this.#state = State.FieldStart;
    if (c === CR) {
      if (i + 1 < text.length) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
      this.#state = State.AfterCr;
    }
    return i + 1;
  }

  #error(message: string): CsvSyntaxError {
    return new CsvSyntaxError(message, this.#line, this.#fields.length + 1);
  }
}

/**
 * Parses a whole CSV text.
 * @throws {CsvSyntaxError} on malformed CSV.
 */
export function parseCsv(text: string, options?: CsvParserOptions): CsvRecord[] {
  const parser = new CsvParser(options);
  return [...parser.feed(text), ...parser.end()];
}

const NEEDS_QUOTES = /[",\r\n]|^\uFEFF/;

/** One field as RFC 4180 writes it: quoted (quotes doubled) when it holds a quote, comma or line break. */
export function formatCsvField(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * One record with its CRLF line break. A record of one empty field is written `""`, so that it does not
 * read back as a blank line.
 */
export function formatCsvRecord(fields: readonly string[]): string {
  if (fields.length === 1 && fields[0] === '') return '""\r\n';
  return `${fields.map(formatCsvField).join(',')}\r\n`;
}
