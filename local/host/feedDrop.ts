import type { BlobServiceClient } from '@azure/storage-blob';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** `YYYY-MM-DD` naming a day that exists (2027-02-29 and 2027-13-45 do not). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

/** Counts RFC 4180 records after the header (quoted fields may hold line breaks; a final newline ends no record). */
export function countCsvRecords(text: string): number {
  let records = 0;
  let inQuotes = false;
  let fieldChars = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    if (!inQuotes && (c === '\n' || (c === '\r' && text[i + 1] !== '\n'))) {
      if (fieldChars) records += 1;
      fieldChars = false;
    } else if (c !== '\r') {
      fieldChars = true;
    }
  }
  if (fieldChars) records += 1;
  return Math.max(0, records - 1);
}

export interface FeedDrop {
  businessDate: string;
  version: number;
  dataBlob: string;
  manifestBlob: string;
  rowCount: number;
  sha256: string;
}

/**
 * Writes a feed the way the warehouse does (SPEC §7): the data file first, then the manifest with the row
 * count and the sha256 of the data blob as stored. `content` may be gzip (then the name ends `.csv.gz`).
 */
export async function dropFeed(
  service: BlobServiceClient,
  container: string,
  content: Buffer,
  businessDate: string,
  version = 1,
): Promise<FeedDrop> {
  if (!isCalendarDate(businessDate))
    throw new Error(`business date "${businessDate}" is not a calendar date YYYY-MM-DD`);
  if (!Number.isInteger(version) || version < 1)
    throw new Error(`version must be a positive integer, got ${version}`);
  const gzipped = content[0] === 0x1f && content[1] === 0x8b;
  const text = (gzipped ? gunzipSync(content) : content).toString('utf8');
  const dataBlob = `transactions-${businessDate}.csv${gzipped ? '.gz' : ''}`;
  const manifestBlob = `transactions-${businessDate}.manifest.json`;
  const sha256 = createHash('sha256').update(content).digest('hex');
  const rowCount = countCsvRecords(text.replace(/^\uFEFF/, ''));
  const client = service.getContainerClient(container);
  await client.createIfNotExists();
  await client.getBlockBlobClient(dataBlob).uploadData(content, {
    blobHTTPHeaders: { blobContentType: gzipped ? 'application/gzip' : 'text/csv' },
  });
  const manifest = JSON.stringify({ businessDate, file: dataBlob, rowCount, sha256, version });
  await client
    .getBlockBlobClient(manifestBlob)
    .uploadData(Buffer.from(manifest), { blobHTTPHeaders: { blobContentType: 'application/json' } });
  return { businessDate, version, dataBlob, manifestBlob, rowCount, sha256 };
}
