import { CosmosClient, type Container } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite } from '../../emulators/azurite';
import {
  COSMOS_EMULATOR_KEY,
  ensureCosmosContainers,
  startCosmos,
  type RunningCosmos,
} from '../../emulators/cosmos';

let dir: string;
let cosmos: RunningCosmos;
let client: CosmosClient;
let written: { etagM1: string; blobEtag: string };
let members: Container;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'host-emulators-'));
  // a separate process writes to both emulators and is killed with SIGKILL right after the acknowledgements
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '../fixtures/toy-app/emulatorWriter.ts'), dir],
    {
      encoding: 'utf8',
      timeout: 25_000,
    },
  );
  expect(child.signal).toBe('SIGKILL');
  written = JSON.parse(child.stdout.trim()) as { etagM1: string; blobEtag: string };
  cosmos = await startCosmos(join(dir, 'cosmos.sqlite'), 0);
  await ensureCosmosContainers(cosmos.endpoint, COSMOS_EMULATOR_KEY, 'loyalty');
  client = new CosmosClient({ endpoint: cosmos.endpoint, key: COSMOS_EMULATOR_KEY });
  members = client.database('loyalty').container('members');
}, 30_000);

afterAll(async () => {
  client?.dispose();
  await cosmos?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Cosmos emulator durability across kill -9', () => {
  it('keeps every acknowledged create, replace, upsert and delete', async () => {
    const { resources } = await members.items
      .query<{ id: string; n: number }>('SELECT c.id, c.n FROM c')
      .fetchAll();
    expect(resources).toHaveLength(19);
    const byId = new Map(resources.map((r) => [r.id, r.n]));
    expect(byId.get('cma:M-1')).toBe(100);
    expect(byId.has('cma:M-2')).toBe(false);
    expect(byId.get('cma:M-3')).toBe(300);
    const ledger = await client
      .database('loyalty')
      .container('ledger')
      .item('T-1', 'M-1')
      .read<{ cents: number }>();
    expect(ledger.resource?.cents).toBe(25_000);
  });

  it('keeps ETags, so optimistic concurrency written before the crash still holds', async () => {
    const read = await members.item('cma:M-1', 'M-1').read();
    expect(read.etag).toBe(written.etagM1);
    const stale = members
      .item('cma:M-1', 'M-1')
      .replace(
        { id: 'cma:M-1', memberId: 'M-1', campaignId: 'cma', n: 1 },
        { accessCondition: { type: 'IfMatch', condition: 'not-the-etag' } },
      );
    await expect(stale).rejects.toMatchObject({ code: 412 });
  });

  it('keeps the container definitions: partition keys and unique keys still enforced', async () => {
    await expect(
      members.items.create({ id: 'cma:M-1', memberId: 'M-1', campaignId: 'cma' }),
    ).rejects.toMatchObject({ code: 409 });
    // unique key /campaignId within the member's partition: a second decision document must conflict
    await expect(
      members.items.create({ id: 'another-id', memberId: 'M-1', campaignId: 'cma' }),
    ).rejects.toMatchObject({ code: 409 });
    const created = await members.items.create({ id: 'cma:M-50', memberId: 'M-50', campaignId: 'cma' });
    expect(created.statusCode).toBe(201);
    expect(created.resource?._rid).not.toBe((await members.item('cma:M-20', 'M-20').read()).resource?._rid);
  });
});

describe('Azurite durability across kill -9', () => {
  it('keeps a blob whose upload was acknowledged just before the kill', async () => {
    const azurite = await startAzurite(join(dir, 'azurite'), 0);
    try {
      const blob = BlobServiceClient.fromConnectionString(azurite.connectionString)
        .getContainerClient('feed-staging')
        .getBlobClient('chunk-0001.json');
      expect((await blob.downloadToBuffer()).toString('utf8')).toBe('{"rows":42}');
      expect((await blob.getProperties()).etag).toBe(written.blobEtag);
    } finally {
      await azurite.stop();
    }
  });
});
