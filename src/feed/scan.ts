const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const HEADER_LIMIT = 4096;

/** Where a chunk of data records starts in the (decompressed) CSV bytes. */
export interface ChunkBoundary {
  /** Byte offset of the chunk's first record. */
  offset: number;
  /** 0-based index of its first data record. */
  firstRecord: number;
  /** Physical line of its first record (the header is line 1). */
  firstLine: number;
}

/** What one pass over the CSV bytes found; see {@link CsvScanner}. */
export interface ScanSummary {
  /** The header record's text (BOM and CR removed); undefined when the file has no record. */
  header: string | undefined;
  /** Data records after the header (blank lines are not records). */
  records: number;
  totalBytes: number;
  /** Boundaries of chunk 0..n: chunk 0 starts right after the header. */
  boundaries: ChunkBoundary[];
  /** The bytes ended inside a quoted field. */
  endsInsideQuotes: boolean;
  /** The last byte is an LF (a cut-off file usually is not). */
  endsWithNewline: boolean;
}

/**
 * Incremental RFC 4180 record scanner over raw bytes. Quote parity decides whether an LF ends a record,
 * so offsets of record boundaries are exact even with quoted line breaks; `Buffer.indexOf` keeps it
 * close to memchr speed. Invariant: every boundary offset is the first byte of a non-blank record.
 */
export class CsvScanner {
  private offset = 0;
  private inQuotes = false;
  private lines = 1;
  private recordBytes = 0;
  private lastByte = -1;
  private headerDone = false;
  private headerBytes: Buffer[] = [];
  private headerLength = 0;
  private header: string | undefined;
  private records = 0;
  private finalByte = -1;
  /** Absolute offset of the last closing quote (a quote right after it opens again: `""`). */
  private lastClose = -2;
  private readonly boundaries: ChunkBoundary[] = [];

  constructor(private readonly chunkRows: number) {}

  push(buf: Buffer): void {
    const previousTail = this.finalByte;
    if (buf.length > 0) this.finalByte = buf[buf.length - 1] ?? -1;
    let i = 0;
    let quote = buf.indexOf(QUOTE, 0);
    while (i < buf.length) {
      if (this.inQuotes) {
        const close = buf.indexOf(QUOTE, i);
        const stop = close < 0 ? buf.length : close;
        this.lines += countLf(buf, i, stop);
        this.take(buf, i, close < 0 ? stop : close + 1);
        if (close < 0) break;
        this.inQuotes = false;
        this.lastClose = this.offset + close;
        i = close + 1;
        quote = buf.indexOf(QUOTE, i);
        continue;
      }
      const nl = buf.indexOf(LF, i);
      if (quote >= 0 && quote < i) quote = buf.indexOf(QUOTE, i);
      if (quote >= 0 && (nl < 0 || quote < nl)) {
        this.take(buf, i, quote + 1);
        // only a quote at the start of a field (or escaping one, `""`) opens a quoted field; one inside
        // an unquoted field is a literal of a malformed row, which still ends at its line break
        const before = quote > 0 ? (buf[quote - 1] ?? -1) : previousTail;
        if (this.offset + quote - 1 === this.lastClose || before === -1 || before === COMMA || before === LF)
          this.inQuotes = true;
        i = quote + 1;
        continue;
      }
      if (nl < 0) {
        this.take(buf, i, buf.length);
        break;
      }
      this.take(buf, i, nl);
      this.endRecord(this.offset + nl + 1);
      this.lines += 1;
      i = nl + 1;
    }
    this.offset += buf.length;
  }

  end(): ScanSummary {
    const endsInsideQuotes = this.inQuotes;
    if (!endsInsideQuotes) this.endRecord(this.offset);
    while (
      this.boundaries.length > 0 &&
      this.boundaries[this.boundaries.length - 1]?.firstRecord === this.records
    ) {
      this.boundaries.pop();
    }
    return {
      header: this.header,
      records: this.records,
      totalBytes: this.offset,
      boundaries: this.boundaries,
      endsInsideQuotes,
      endsWithNewline: this.finalByte === LF,
    };
  }

  /** Accounts for bytes [from, to) of the current record. */
  private take(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.recordBytes += to - from;
    this.lastByte = buf[to - 1] ?? -1;
    if (!this.headerDone && this.headerLength < HEADER_LIMIT) {
      this.headerBytes.push(Buffer.from(buf.subarray(from, to)));
      this.headerLength += to - from;
    }
  }

  /** Closes the current record; `nextStart` is the offset of the byte after its LF. */
  private endRecord(nextStart: number): void {
    const blank = this.recordBytes === 0 || (this.recordBytes === 1 && this.lastByte === CR);
    this.recordBytes = 0;
    this.lastByte = -1;
    if (blank) return;
    if (!this.headerDone) {
      this.header = headerText(Buffer.concat(this.headerBytes));
      this.headerDone = true;
      this.headerBytes = [];
    } else {
      this.records += 1;
      if (this.records % this.chunkRows !== 0) return;
    }
    this.boundaries.push({ offset: nextStart, firstRecord: this.records, firstLine: this.lines + 1 });
  }
}

function headerText(bytes: Buffer): string {
  const body = bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
  const text = body.toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

function countLf(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF, from); i >= 0 && i < to; i = buf.indexOf(LF, i + 1)) n += 1;
  return n;
}
