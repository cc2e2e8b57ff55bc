/**
 * JSON lines (one JSON value per line, LF or CRLF): an incremental splitter that reports each value with
 * its line number. Blank lines are skipped; a leading byte-order mark is dropped.
 */

/** A parsed line. */
export interface JsonLine {
  value: unknown;
  line: number;
}

/** A line that is not valid JSON, or is too long. */
export class JsonLineSyntaxError extends SyntaxError {
  override readonly name = 'JsonLineSyntaxError';
  readonly line: number;
  readonly reason: string;

  constructor(reason: string, line: number) {
    super(`line ${line}: ${reason}`);
    this.line = line;
    this.reason = reason;
  }
}

export interface JsonLinesParserOptions {
  /** Longest line accepted, in UTF-16 code units; default 1 MiB. */
  maxLineLength?: number;
}

/** An incremental JSON-lines parser. */
export class JsonLinesParser {
  readonly #maxLineLength: number;
  #pending = '';
  #line = 1;
  #started = false;

  constructor(options: JsonLinesParserOptions = {}) {
    this.#maxLineLength = options.maxLineLength ?? 1024 * 1024;
  }

  /**
   * Parses the next chunk.
   * @param out receives the parsed lines; on an error it holds those before the error.
   * @returns the values of the lines this chunk completed (`out`).
   * @throws {JsonLineSyntaxError} for a line that is not JSON or is too long.
   */
  feed(text: string, out: JsonLine[] = []): JsonLine[] {
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      const line = this.#pending === '' ? piece : this.#pending + piece;
      this.#pending = '';
      this.#parse(line, out);
      start = nl + 1;
    }
    if (start < text.length) {
      this.#pending += text.slice(start);
      if (this.#pending.length > this.#maxLineLength) {
        throw new JsonLineSyntaxError(`line longer than ${this.#maxLineLength} characters`, this.#line);
      }
    }
    return out;
  }

  /**
   * Ends the input; a last line without a line break is parsed.
   * @throws {JsonLineSyntaxError}
   */
  end(out: JsonLine[] = []): JsonLine[] {
    if (this.#pending !== '') {
      const line = this.#pending;
      this.#pending = '';
      this.#parse(line, out);
    }
    return out;
  }

  #parse(text: string, out: JsonLine[]): void {
    const line = this.#line++;
    if (text.length > this.#maxLineLength) {
      throw new JsonLineSyntaxError(`line longer than ${this.#maxLineLength} characters`, line);
    }
    const body = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (body.trim() === '') return;
    try {
      out.push({ value: JSON.parse(body), line });
    } catch (err) {
      // V8's message quotes the line; keep only the position, so record values never reach a log.
      const position = /at position (\d+)/.exec((err as Error).message)?.[1];
      const where = position === undefined ? '' : ` (at character ${Number(position) + 1})`;
      throw new JsonLineSyntaxError(`not valid JSON${where}`, line);
    }
  }
}
