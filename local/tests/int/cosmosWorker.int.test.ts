import { CosmosClient } from '@azure/cosmos';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { COSMOS_EMULATOR_KEY, startCosmos, watchForCrash } from '../../emulators/cosmos';
import { SharedNow } from '../../host/sharedNow';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cosmos-worker-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the Cosmos emulator's worker thread", () => {
  it("stamps documents with the virtual clock's time in virtual mode", async () => {
    const t0 = Date.parse('2031-05-01T00:00:00.000Z');
    const now = new SharedNow(t0);
    const crashes: Error[] = [];
    const cosmos = await startCosmos(join(dir, 'virtual.sqlite'), 0, {
      virtualNow: now.buffer,
      onCrash: (e) => crashes.push(e),
    });
    const client = new CosmosClient({ endpoint: cosmos.endpoint, key: COSMOS_EMULATOR_KEY });
    try {
      const { database } = await client.databases.createIfNotExists({ id: 'db' });
      const { container } = await database.containers.createIfNotExists({
        id: 'c',
        partitionKey: { paths: ['/id'] },
      });
      const first = await container.items.create({ id: 'a' });
      expect(first.resource?._ts).toBe(t0 / 1000);
      now.set(t0 + 31 * 86_400_000);
      const second = await container.items.upsert({ id: 'a', n: 2 });
      expect(second.resource?._ts).toBe(t0 / 1000 + 31 * 86_400);
    } finally {
      client.dispose();
      await cosmos.stop();
    }
    expect(crashes).toEqual([]); // an asked-for stop is not a crash
  });

  it('counts the documents it serves: a point read as one, a query as the items it returned', async () => {
    const cosmos = await startCosmos(join(dir, 'reads.sqlite'), 0);
    const client = new CosmosClient({ endpoint: cosmos.endpoint, key: COSMOS_EMULATOR_KEY });
    try {
      const { database } = await client.databases.createIfNotExists({ id: 'db' });
      const { container } = await database.containers.createIfNotExists({
        id: 'c',
        partitionKey: { paths: ['/id'] },
      });
      for (const id of ['a', 'b', 'c']) await container.items.create({ id, kind: 'x' });
      const before = cosmos.readCounters();

      await container.item('a', 'a').read();
      await container.item('missing', 'missing').read();
      const afterReads = cosmos.readCounters();
      const { resources } = await container.items
        .query({ query: "SELECT * FROM c WHERE c.kind = 'x'" })
        .fetchAll();

      const after = cosmos.readCounters();
      expect(afterReads.documentsRead - before.documentsRead).toBe(1); // the miss served nothing
      expect(resources).toHaveLength(3);
      // the SDK asks for a query plan first, which the emulator answers by running the query: not a read
      expect(after.documentsRead - afterReads.documentsRead).toBe(3);
      expect(after.readRequests - before.readRequests).toBeGreaterThanOrEqual(2);
    } finally {
      client.dispose();
      await cosmos.stop();
    }
  });

  it('fails to start with the reason when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startCosmos(join(dir, 'taken.sqlite'), port)).rejects.toMatchObject({
        message: expect.stringMatching(/Cosmos emulator: .*EADDRINUSE/),
        code: 'EADDRINUSE',
      });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('fails to start with the reason when its journal cannot be opened', async () => {
    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, 'x');
    await expect(startCosmos(join(notADirectory, 'cosmos.sqlite'), 0)).rejects.toThrow(/EEXIST|ENOTDIR/);
  });
});

describe('watchForCrash', () => {
  const run = (code: string) => new Worker(code, { eval: true });
  const ended = (worker: Worker) => new Promise((resolve) => worker.once('exit', resolve));

  it('reports an uncaught error in the thread once, with its message', async () => {
    const crashes: Error[] = [];
    const worker = run("setTimeout(() => { throw new Error('journal gone') }, 5)");
    watchForCrash(
      worker,
      'the emulator',
      () => false,
      (e) => crashes.push(e),
    );
    await ended(worker);
    expect(crashes.map((e) => e.message)).toEqual(["the emulator's thread failed: journal gone"]);
  });

  it('reports an exit nobody asked for, and not one that was asked for', async () => {
    const crashes: Error[] = [];
    const unasked = run('process.exit(3)');
    watchForCrash(
      unasked,
      'the emulator',
      () => false,
      (e) => crashes.push(e),
    );
    await ended(unasked);
    const asked = run('setTimeout(() => process.exit(0), 5)');
    watchForCrash(
      asked,
      'the emulator',
      () => true,
      (e) => crashes.push(e),
    );
    await ended(asked);
    expect(crashes.map((e) => e.message)).toEqual(["the emulator's thread exited (code 3)"]);
  });
});
