import fc from 'fast-check';
import { RecordSplitter, splitFields } from '../../src/feed/records';

interface Rec {
  fields: string[] | string;
  line: number;
}

/** Splits `text` fed in the given piece sizes, returning each record's fields (or the split error). */
function records(text: string, pieces: number[] = [text.length]): { recs: Rec[]; unterminated: boolean } {
  const recs: Rec[] = [];
  const splitter = new RecordSplitter(1, (s, start, end, line, quoted) => {
    const split = splitFields(s, start, end, quoted);
    recs.push({ fields: split.ok ? split.fields : split.detail, line });
  });
  let pos = 0;
  for (const size of pieces) {
    splitter.push(text.slice(pos, pos + size));
    pos += size;
  }
  splitter.push(text.slice(pos));
  return { recs, unterminated: splitter.end().unterminated };
}

describe('RFC 4180 record splitter', () => {
  it('splits LF and CRLF records and strips the CR', () => {
    expect(records('a,b\r\nc,d\ne,f').recs).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['c', 'd'], line: 2 },
      { fields: ['e', 'f'], line: 3 },
    ]);
  });

  it('keeps commas, escaped quotes and line breaks inside quoted fields, and counts physical lines', () => {
    const text = 'x,"a,b","say ""hi""",y\n"multi\r\nline",2\nlast,3\n';
    expect(records(text).recs).toEqual([
      { fields: ['x', 'a,b', 'say "hi"', 'y'], line: 1 },
      { fields: ['multi\r\nline', '2'], line: 2 },
      { fields: ['last', '3'], line: 4 },
    ]);
  });

  it('skips blank lines but keeps counting them', () => {
    expect(records('a\n\n\r\nb\n').recs).toEqual([
      { fields: ['a'], line: 1 },
      { fields: ['b'], line: 4 },
    ]);
  });

  it('reports malformed quoting instead of guessing', () => {
    expect(records('a,b"c"d,e\n"x"y,z\n').recs.map((r) => r.fields)).toEqual([
      'quote inside unquoted field 2',
      'text after the closing quote of field 1',
    ]);
  });

  it('reports text that ends inside quotes as unterminated', () => {
    expect(records('a,"open\nstill open').unterminated).toBe(true);
  });

  it('gives the same records however the text is cut into pieces', () => {
    const text = 'id,"a,""b""\nc",x\r\nplain,row\n\n"q",1\r\nend,"\n"\n';
    const whole = records(text).recs;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 40 }), (pieces) => {
        expect(records(text, pieces).recs).toEqual(whole);
      }),
    );
  });
});
