import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { verifyData } from '../../src/feed/verify';
import { csv, row, sha256 } from '../support/feedHarness';

const stream = (bytes: Buffer, piece = 11): AsyncIterable<Buffer> =>
  Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece);
    })(),
  );

const text = csv([
  row({ transaction_id: 'T-1' }),
  row({ transaction_id: 'T-2' }),
  row({ transaction_id: 'T-3' }),
]);

describe('verifyData', () => {
  it('accepts a file that matches its manifest and plans chunks of whole records', async () => {
    const bytes = Buffer.from(text);
    const outcome = await verifyData(stream(bytes), {
      sha256: sha256(bytes),
      rowCount: 3,
      gzip: false,
      chunkRows: 2,
    });
    expect(outcome).toMatchObject({ ok: true, records: 3, totalBytes: bytes.length });
    if (!outcome.ok) throw new Error('unreachable');
    expect(outcome.chunks.map((c) => [c.firstRecord, c.rows, c.firstLine])).toEqual([
      [0, 2, 2],
      [2, 1, 4],
    ]);
    expect(bytes.subarray(outcome.chunks[1]?.offset, outcome.chunks[1]?.end).toString()).toBe(
      `${row({ transaction_id: 'T-3' })}\n`,
    );
  });

  it('hashes the stored (compressed) bytes of a .csv.gz and hands the decompressed bytes to staging', async () => {
    const gz = gzipSync(Buffer.from(text));
    const staged: Buffer[] = [];
    const outcome = await verifyData(stream(gz), {
      sha256: sha256(gz),
      rowCount: 3,
      gzip: true,
      chunkRows: 10,
      onDecompressed: async (b) => void staged.push(b),
    });
    expect(outcome).toMatchObject({ ok: true, records: 3 });
    expect(Buffer.concat(staged).toString()).toBe(text);
  });

  it.each([
    ['cut short', (gz: Buffer) => gz.subarray(0, gz.length - 20), 'TRUNCATED'],
    [
      'corrupt',
      (gz: Buffer) => Buffer.concat([gz.subarray(0, 12), Buffer.alloc(30, 7), gz.subarray(42)]),
      'GZIP_CORRUPT',
    ],
  ])('rejects a gzip stream that is %s', async (_name, damage, code) => {
    const gz = damage(gzipSync(Buffer.from(text)));
    const outcome = await verifyData(stream(gz), {
      sha256: sha256(gz),
      rowCount: 3,
      gzip: true,
      chunkRows: 10,
    });
    expect(outcome).toMatchObject({ ok: false, reason: { code } });
  });

  it('checks the checksum first, then header, quoting and row count', async () => {
    const check = async (body: string, rows = 3) => {
      const bytes = Buffer.from(body);
      const outcome = await verifyData(stream(bytes), {
        sha256: sha256(bytes),
        rowCount: rows,
        gzip: false,
        chunkRows: 10,
      });
      return outcome.ok ? 'OK' : outcome.reason.code;
    };
    expect(await check(text.replace('settled_at', 'settledAt'))).toBe('HEADER_MISMATCH');
    expect(await check('')).toBe('HEADER_MISMATCH');
    expect(await check(`${text}T-4,"unterminated\n`, 4)).toBe('TRUNCATED');
    expect(await check(text, 4)).toBe('ROW_COUNT_MISMATCH');
    expect(await check(`\uFEFF${text.replace(/\n/g, '\r\n')}`)).toBe('OK');
    const bytes = Buffer.from(text);
    const mismatch = await verifyData(stream(bytes), {
      sha256: sha256('x'),
      rowCount: 3,
      gzip: false,
      chunkRows: 10,
    });
    expect(mismatch).toMatchObject({
      ok: false,
      reason: { code: 'CHECKSUM_MISMATCH', detail: expect.stringContaining('3 records for 3 announced') },
    });
  });

  it('throws source faults so the activity retries them', async () => {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('h');
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      })(),
    );
    await expect(
      verifyData(failing, { sha256: sha256('x'), rowCount: 0, gzip: true, chunkRows: 1 }),
    ).rejects.toThrow('socket hang up');
  });
});
