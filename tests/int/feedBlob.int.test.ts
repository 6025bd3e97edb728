import { BlobServiceClient } from '@azure/storage-blob';
import { feedBlobStore } from '../../src/adapters/blob/feedBlobStore';
import { startAzuriteBlob } from '../support/feedAzurite';
import { CONTAINER, csv, drop, harness, row, type Drop } from '../support/feedHarness';

// The data file is read through @azure/storage-blob against a real (in-process) Azurite: streamed
// download, byte ranges with If-Match, and the gzip staging upload.
let azurite: Awaited<ReturnType<typeof startAzuriteBlob>>;
let service: BlobServiceClient;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await service.getContainerClient(CONTAINER).createIfNotExists();
}, 20_000);

afterAll(async () => {
  await azurite?.stop();
});

const upload = (d: Drop) =>
  service.getContainerClient(CONTAINER).getBlockBlobClient(d.manifest.file).uploadData(d.bytes);

const rows = Array.from({ length: 25 }, (_, i) =>
  i % 5 === 0
    ? row({ transaction_id: `T-${i}`, member_id: `M-${i % 4}`, method: '"APPLE_PAY"' })
    : row({ transaction_id: `T-${i}`, member_id: `M-${i % 4}` }),
);

describe('feed over Azure Blob Storage (Azurite)', () => {
  it('verifies and applies a CRLF file chunk by chunk through ranged, conditional reads', async () => {
    const h = harness(['M-0', 'M-1', 'M-2', 'M-3'], { blobStore: feedBlobStore(service) });
    const d = drop(csv(rows, '\r\n'));
    await upload(d);
    expect(await h.ingest(d, { chunkRows: 4, parallelism: 3 })).toMatchObject({ kind: 'COMPLETED' });
    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run?.plan?.chunks).toHaveLength(7);
    expect(run?.report).toMatchObject({
      rowsRead: 25,
      campaignRows: 25,
      applied: 25,
      rejected: { count: 0 },
    });
  });

  it('stages the decompressed bytes of a .csv.gz and reads chunks from the staging copy', async () => {
    const h = harness(['M-0', 'M-1', 'M-2', 'M-3'], { blobStore: feedBlobStore(service) });
    const text = csv(rows.map((r) => r.replace(/2026-11-25$/, '2026-11-26')));
    const gz = drop(text, { gzip: true, date: '2026-11-26' });
    await upload(gz);
    expect(await h.ingest(gz, { chunkRows: 10 })).toMatchObject({ kind: 'COMPLETED' });
    const [run] = await h.runs.listRuns('2026-11-26');
    expect(run?.plan?.data.container).toBe('feed-staging');
    expect(run?.report).toMatchObject({ rowsRead: 25, applied: 25 });
    const staged = await service
      .getContainerClient('feed-staging')
      .getBlockBlobClient(run?.plan?.data.blob ?? '')
      .downloadToBuffer();
    expect(staged.toString()).toBe(text);
  });

  it('reports a missing data file and a blob changed after verification', async () => {
    const store = feedBlobStore(service);
    expect(await store.open(CONTAINER, 'transactions-2020-01-01.csv')).toEqual({ kind: 'MISSING' });
    const d = drop(csv([row()]), { date: '2026-11-27' });
    const response = await upload(d);
    const ref = { container: CONTAINER, blob: d.manifest.file, etag: response.etag ?? '' };
    const read = await store.readRange(ref, 0, 10);
    if (read.kind !== 'OK') throw new Error('expected a range');
    const bytes: Buffer[] = [];
    for await (const b of read.stream) bytes.push(b);
    expect(Buffer.concat(bytes).toString()).toBe(d.bytes.subarray(0, 10).toString());
    await upload({ ...d, bytes: Buffer.from('overwritten') });
    expect(await store.readRange(ref, 0, 10)).toEqual({ kind: 'CHANGED' });
  });
});
