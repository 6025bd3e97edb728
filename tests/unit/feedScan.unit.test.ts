import fc from 'fast-check';
import { CsvScanner } from '../../src/feed/scan';
import { plans } from '../../src/feed/verify';
import { RecordSplitter } from '../../src/feed/records';

function scan(text: string | Buffer, chunkRows: number, pieceBytes = 5) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const scanner = new CsvScanner(chunkRows);
  for (let i = 0; i < bytes.length; i += pieceBytes) scanner.push(bytes.subarray(i, i + pieceBytes));
  return scanner.end();
}

/** Records of a byte range, as a chunk would read it. */
function recordsIn(bytes: Buffer, offset: number, end: number, firstLine: number): [number, string][] {
  const out: [number, string][] = [];
  const splitter = new RecordSplitter(firstLine, (s, a, b, line) => void out.push([line, s.slice(a, b)]));
  splitter.push(bytes.subarray(offset, end).toString('utf8'));
  splitter.end();
  return out;
}

describe('byte-level CSV scanner', () => {
  it('reads the header without BOM or CR and counts data records', () => {
    const summary = scan('\uFEFFh1,h2\r\na,1\r\nb,2\r\n', 10);
    expect(summary).toMatchObject({
      header: 'h1,h2',
      records: 2,
      endsInsideQuotes: false,
      endsWithNewline: true,
    });
  });

  it('does not count blank lines or line breaks inside quotes as records', () => {
    expect(scan('h\n"a\nb"\n\n"c""\n"\nd', 10)).toMatchObject({ records: 3, endsWithNewline: false });
  });

  it('notices a file that ends inside a quoted field', () => {
    expect(scan('h\na,"open\n', 10).endsInsideQuotes).toBe(true);
  });

  it('has no header and no chunks for an empty file, and no chunks for a header-only file', () => {
    expect(scan('', 2)).toMatchObject({ header: undefined, records: 0, boundaries: [] });
    expect(scan('h\n', 2)).toMatchObject({ header: 'h', records: 0, boundaries: [] });
  });

  it('cuts chunks on record boundaries: reading each range gives exactly its records and lines', () => {
    const lines = ['h,x', 'r0,1', '"r1\nmore",2', '', 'r2,3', '"r3,""q""",4', 'r4,5', '"r5\r\n",6', 'r6,7'];
    const text = lines.join('\r\n') + '\r\n';
    const bytes = Buffer.from(text);
    const all = recordsIn(bytes, 0, bytes.length, 1).slice(1);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 13 }),
        (chunkRows, pieceBytes) => {
          const summary = scan(bytes, chunkRows, pieceBytes);
          const chunks = plans(summary);
          const read = chunks.flatMap((c) => {
            const recs = recordsIn(bytes, c.offset, c.end, c.firstLine);
            expect(recs).toHaveLength(c.rows);
            return recs;
          });
          expect(read).toEqual(all);
          expect(chunks.every((c, i) => c.rows === Math.min(chunkRows, 7 - i * chunkRows))).toBe(true);
        },
      ),
    );
  });
});
