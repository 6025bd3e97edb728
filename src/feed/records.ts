/**
 * Receives one record of a CSV text: `text.slice(start, end)` is the record without its line ending,
 * `line` the physical line it starts on, `quoted` whether it contains a quote (then only
 * {@link splitFields} may split it).
 */
export type RecordSink = (text: string, start: number, end: number, line: number, quoted: boolean) => void;

const LF = '\n';
const QUOTE = '"';
const CR = 13;

/**
 * Streaming RFC 4180 record splitter over decoded text. A record ends at an LF outside quotes (CR before
 * it stripped); blank lines are skipped but still counted as lines. Records without a quote take a
 * fast path (one `indexOf` per record), so the 95% of rows that are not campaign rows cost about as
 * much as a plain line split.
 */
export class RecordSplitter {
  private carry = '';
  /** Whether `carry` holds a quote (then the next piece is scanned behind it, quotes and all). */
  private carryQuoted = false;
  private line: number;

  constructor(
    firstLine: number,
    private readonly onRecord: RecordSink,
  ) {
    this.line = firstLine;
  }

  /** Feeds the next piece of text; records completed by it are emitted synchronously. */
  push(piece: string): void {
    let s = piece;
    let pos = 0;
    let quote: number;
    const carry = this.carry;
    if (carry.length === 0) {
      quote = piece.indexOf(QUOTE);
    } else {
      const nl = piece.indexOf(LF);
      quote = piece.indexOf(QUOTE);
      if (!this.carryQuoted && nl >= 0 && (quote < 0 || quote > nl)) {
        // The unquoted record cut by the previous piece ends in this one: complete it on its own, so
        // the piece is scanned as decoded (a flat string) rather than copied behind the carry.
        const head = carry + piece.slice(0, nl);
        this.emit(head, 0, head.length, false);
        pos = nl + 1;
      } else {
        s = carry + piece;
        quote = s.indexOf(QUOTE);
      }
    }
    for (;;) {
      const nl = s.indexOf(LF, pos);
      if (nl < 0) break;
      if (quote !== -1 && quote < nl) {
        const end = quotedRecordEnd(s, pos);
        if (end < 0) break;
        this.emit(s, pos, end, true);
        this.line += countLf(s, pos, end);
        pos = end + 1;
        quote = s.indexOf(QUOTE, pos);
        continue;
      }
      this.emit(s, pos, nl, false);
      pos = nl + 1;
    }
    // `quote` is the first quote at or after `pos`, or -1.
    this.carry = pos === 0 ? s : s.slice(pos);
    this.carryQuoted = quote >= 0;
  }

  /** Flushes a last record without a line ending. `unterminated` means the text ended inside quotes. */
  end(): { unterminated: boolean; nextLine: number } {
    const rest = this.carry;
    this.carry = '';
    this.carryQuoted = false;
    if (rest.length === 0) return { unterminated: false, nextLine: this.line };
    const quoted = rest.includes(QUOTE);
    if (quoted && endsInsideQuotes(rest)) return { unterminated: true, nextLine: this.line };
    this.emit(rest, 0, rest.length, quoted);
    this.line += countLf(rest, 0, rest.length);
    return { unterminated: false, nextLine: this.line };
  }

  private emit(s: string, start: number, end: number, quoted: boolean): void {
    const stop = end > start && s.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (stop > start) this.onRecord(s, start, stop, this.line, quoted);
    this.line += 1;
  }
}

/**
 * Whether the quote at `q` opens a quoted field: only at the start of a field (record start, after a
 * comma or a line break) or right after a closing quote (`""`, an escaped quote). A quote inside an
 * unquoted field (`T-F21"B8`) is a literal: the row is malformed ({@link splitFields} says so), but the
 * record still ends at its line break, so one bad row never swallows the rest of the file.
 */
function opensField(s: string, q: number, recordStart: number, lastClose: number): boolean {
  if (q === recordStart || q - 1 === lastClose) return true;
  const before = s.charCodeAt(q - 1);
  return before === 44 || before === 10;
}

/** The first quote at or after `from` that opens a field, or -1. */
function nextOpening(s: string, from: number, recordStart: number, lastClose: number): number {
  let q = s.indexOf(QUOTE, from);
  while (q >= 0 && !opensField(s, q, recordStart, lastClose)) q = s.indexOf(QUOTE, q + 1);
  return q;
}

/** Index of the LF ending the record that starts at `pos`, honouring quotes; -1 if not in `s` yet. */
function quotedRecordEnd(s: string, pos: number): number {
  let i = pos;
  let lastClose = -2;
  for (;;) {
    const nl = s.indexOf(LF, i);
    const q = nextOpening(s, i, pos, lastClose);
    if (q < 0 || (nl >= 0 && nl < q)) return nl;
    const close = s.indexOf(QUOTE, q + 1);
    if (close < 0) return -1;
    lastClose = close;
    i = close + 1;
  }
}

/** Whether `s` (one record) ends inside a quoted field that opened as a field. */
function endsInsideQuotes(s: string): boolean {
  let i = 0;
  let lastClose = -2;
  for (;;) {
    const q = nextOpening(s, i, 0, lastClose);
    if (q < 0) return false;
    const close = s.indexOf(QUOTE, q + 1);
    if (close < 0) return true;
    lastClose = close;
    i = close + 1;
  }
}

function countLf(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = s.indexOf(LF, start); i >= 0 && i < end; i = s.indexOf(LF, i + 1)) n += 1;
  return n;
}

export type SplitResult = { ok: true; fields: string[] } | { ok: false; detail: string };

/**
 * Splits one record into fields. RFC 4180: a quoted field may hold commas, line breaks and `""` for a
 * quote; a quote inside an unquoted field, or text after a closing quote, is malformed.
 */
export function splitFields(s: string, start: number, end: number, quoted: boolean): SplitResult {
  if (!quoted) return { ok: true, fields: s.slice(start, end).split(',') };
  const fields: string[] = [];
  let i = start;
  for (;;) {
    if (s.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = s.indexOf(QUOTE, j);
        if (q < 0 || q >= end) return { ok: false, detail: `unterminated quoted field ${fields.length + 1}` };
        value += s.slice(j, q);
        if (s.charCodeAt(q + 1) === 34 && q + 1 < end) {
          value += QUOTE;
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === end) return { ok: true, fields };
      if (s.charCodeAt(i) !== 44)
        return { ok: false, detail: `text after the closing quote of field ${fields.length}` };
      i += 1;
      continue;
    }
    const comma = s.indexOf(',', i);
    const stop = comma < 0 || comma >= end ? end : comma;
    const value = s.slice(i, stop);
    if (value.includes(QUOTE))
      return { ok: false, detail: `quote inside unquoted field ${fields.length + 1}` };
    fields.push(value);
    if (stop === end) return { ok: true, fields };
    i = stop + 1;
  }
}
