import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { FEED_HEADER } from '../domain/feedRow';
import { CsvScanner, type ScanSummary } from './scan';
import type { ChunkPlan, FeedRunReason } from './runs';

export interface VerifyExpectations {
  sha256: string;
  rowCount: number;
  gzip: boolean;
  chunkRows: number;
  /** Receives the decompressed bytes of a `.csv.gz`, in order (staging). */
  onDecompressed?: (bytes: Buffer) => Promise<void>;
}

export type VerifyOutcome =
  | { ok: true; sha256: string; records: number; totalBytes: number; chunks: ChunkPlan[] }
  | { ok: false; reason: FeedRunReason };

const EXPECTED_HEADER = FEED_HEADER.join(',');

/**
 * One streaming pass over a data blob as stored: SHA-256 of the stored bytes, then (after gunzip for
 * `.csv.gz`) header, RFC 4180 record count and chunk boundaries. Returns a reason instead of throwing
 * for anything wrong with the file; only source (storage) faults are thrown, so retries act on them.
 */
export async function verifyData(
  stored: AsyncIterable<Buffer>,
  expect: VerifyExpectations,
): Promise<VerifyOutcome> {
  const hash = createHash('sha256');
  const scanner = new CsvScanner(expect.chunkRows);
  const scan = async (bytes: Buffer): Promise<void> => {
    scanner.push(bytes);
    if (expect.onDecompressed) await expect.onDecompressed(bytes);
  };
  if (expect.gzip) {
    const zlibFault = await gunzipInto(stored, hash, scan);
    if (zlibFault) return { ok: false, reason: zlibFault };
  } else {
    for await (const bytes of stored) {
      hash.update(bytes);
      scanner.push(bytes);
    }
  }
  return judge(hash.digest('hex'), scanner.end(), expect);
}

async function gunzipInto(
  stored: AsyncIterable<Buffer>,
  hash: ReturnType<typeof createHash>,
  scan: (bytes: Buffer) => Promise<void>,
): Promise<FeedRunReason | undefined> {
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(stored), tap, createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const bytes of source) await scan(bytes);
    });
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'Z_BUF_ERROR')
      return { code: 'TRUNCATED', detail: 'the gzip stream ends early (unexpected end of file)' };
    if (typeof code === 'string' && code.startsWith('Z_')) {
      return { code: 'GZIP_CORRUPT', detail: `not a valid gzip stream: ${(error as Error).message}` };
    }
    throw error;
  }
}

function judge(sha256: string, scan: ScanSummary, expect: VerifyExpectations): VerifyOutcome {
  if (sha256 !== expect.sha256) {
    const short = scan.records < expect.rowCount || scan.endsInsideQuotes || !scan.endsWithNewline;
    return {
      ok: false,
      reason: {
        code: short ? 'TRUNCATED' : 'CHECKSUM_MISMATCH',
        detail: `sha256 ${sha256} differs from the manifest's ${expect.sha256}; ${scan.records} records for ${expect.rowCount} announced, ${scan.totalBytes} bytes`,
      },
    };
  }
  if (scan.header !== EXPECTED_HEADER) {
    const found = scan.header === undefined ? 'an empty file' : JSON.stringify(scan.header.slice(0, 300));
    return {
      ok: false,
      reason: { code: 'HEADER_MISMATCH', detail: `expected header ${EXPECTED_HEADER}, found ${found}` },
    };
  }
  if (scan.endsInsideQuotes) {
    return { ok: false, reason: { code: 'TRUNCATED', detail: 'the file ends inside a quoted field' } };
  }
  if (scan.records !== expect.rowCount) {
    return {
      ok: false,
      reason: {
        code: 'ROW_COUNT_MISMATCH',
        detail: `${scan.records} records after the header, the manifest announces ${expect.rowCount}`,
      },
    };
  }
  return { ok: true, sha256, records: scan.records, totalBytes: scan.totalBytes, chunks: plans(scan) };
}

/** Chunk i covers [boundary i, boundary i+1): whole records only, chunk 0 right after the header. */
export function plans(scan: ScanSummary): ChunkPlan[] {
  return scan.boundaries.map((b, index) => {
    const next = scan.boundaries[index + 1];
    return {
      index,
      offset: b.offset,
      end: next ? next.offset : scan.totalBytes,
      firstRecord: b.firstRecord,
      firstLine: b.firstLine,
      rows: (next ? next.firstRecord : scan.records) - b.firstRecord,
    };
  });
}
