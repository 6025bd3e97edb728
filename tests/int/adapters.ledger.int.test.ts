import { cosmosRepositories } from '../../src/adapters/cosmos';
import { memoryLedgerRepository } from '../support/memory';
import type { LedgerRepository } from '../../src/adapters/ports';
import { winner, type Observation } from '../../src/domain/observation';
import { anObservation } from '../support/cosmosFixtures';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';

let cosmos: TestCosmos;
let ledger: LedgerRepository;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(async () => {
  await cosmos.stop();
});
const implementations: [string, () => Promise<LedgerRepository>][] = [
  ['cosmos', async () => cosmosRepositories(await cosmos.freshDatabase()).ledger],
  ['memory', async () => memoryLedgerRepository()],
];

const pending = (transactionId: string, memberId = 'M-1'): Observation =>
  anObservation({ transactionId, memberId, status: 'PENDING', method: 'BPAY', knownOn: '2026-11-03' });
const settled = (transactionId: string, memberId = 'M-1'): Observation =>
  anObservation({ transactionId, memberId, status: 'SETTLED', method: 'BPAY', knownOn: '2026-11-04' });
const feedRow = (
  transactionId: string,
  businessDate: string,
  feedVersion = 1,
  memberId = 'M-1',
): Observation =>
  anObservation({
    transactionId,
    memberId,
    status: 'SETTLED',
    method: 'BPAY',
    source: 'FEED',
    knownOn: businessDate,
    feedVersion,
  });

describe.each(implementations)('%s ledger', (_name, make) => {
  beforeEach(async () => {
    ledger = await make();
  });

  describe('merge', () => {
    it('keeps the higher status whichever of two racing merges lands first, round after round', async () => {
      for (let round = 0; round < 25; round++) {
        const id = `T-race-${round}`;
        // Alternate who starts first so both interleavings (create/create and create/replace) are exercised.
        const racers = round % 2 === 0 ? [pending(id), settled(id)] : [settled(id), pending(id)];
        const results = await Promise.all(racers.map((o) => ledger.merge(o)));

        expect(results.filter((r) => r.outcome === 'CREATED')).toHaveLength(1);
        const record = await ledger.get('M-1', id);
        expect(record?.observations.map((o) => o.status).sort()).toEqual(['PENDING', 'SETTLED']);
        expect(winner(record?.observations ?? [])?.status).toBe('SETTLED');
      }
    });

    it('loses no observation when many merges of one transaction race', async () => {
      const id = 'T-crowd';
      const crowd = [
        pending(id),
        settled(id),
        settled(id),
        feedRow(id, '2026-11-04'),
        feedRow(id, '2026-11-05'),
        pending(id),
      ];
      await Promise.all(crowd.map((o) => ledger.merge(o)));
      const record = await ledger.get('M-1', id);
      expect(record?.observations).toHaveLength(4);
      expect(record?.feedDates).toEqual(['2026-11-04', '2026-11-05']);
      expect(winner(record?.observations ?? [])).toMatchObject({ source: 'FEED', knownOn: '2026-11-05' });
    });

    it('reports a redelivered observation as UNCHANGED', async () => {
      expect((await ledger.merge(settled('T-1'))).outcome).toBe('CREATED');
      expect((await ledger.merge(settled('T-1'))).outcome).toBe('UNCHANGED');
      expect((await ledger.merge(pending('T-1'))).outcome).toBe('UPDATED');
      expect((await ledger.merge(pending('T-1'))).outcome).toBe('UNCHANGED');
    });

    it('refuses an observation whose type contradicts the first sighting, writing nothing', async () => {
      await ledger.merge(settled('T-1'));
      const result = await ledger.merge({
        ...settled('T-1'),
        type: 'WITHDRAWAL',
        method: 'BANK_ACCOUNT',
        status: 'REVERSED',
      });
      expect(result).toEqual({
        outcome: 'CONFLICT',
        reason: 'TYPE_MISMATCH',
        existing: { memberId: 'M-1', type: 'LOAD' },
      });
      expect((await ledger.get('M-1', 'T-1'))?.observations).toHaveLength(1);
    });

    it('refuses a transaction id already owned by another member, though it lives in another partition', async () => {
      await ledger.merge(settled('T-1', 'M-1'));
      const result = await ledger.merge(settled('T-1', 'M-2'));
      expect(result).toEqual({
        outcome: 'CONFLICT',
        reason: 'MEMBER_MISMATCH',
        existing: { memberId: 'M-1', type: 'LOAD' },
      });
      expect(await ledger.get('M-2', 'T-1')).toBeUndefined();
      expect(await ledger.listByMember('M-2')).toEqual([]);
    });

    it('lets exactly one of two members racing for a new transaction id own it', async () => {
      for (let round = 0; round < 10; round++) {
        const id = `T-owner-${round}`;
        const results = await Promise.all([
          ledger.merge(settled(id, 'M-A')),
          ledger.merge(settled(id, 'M-B')),
        ]);
        expect(results.map((r) => r.outcome).sort()).toEqual(['CONFLICT', 'CREATED']);
      }
    });
  });

  describe('mergeMany', () => {
    it('returns one result per observation in input order and merges duplicates of a transaction in sequence', async () => {
      const batch = [
        settled('T-1'),
        feedRow('T-2', '2026-11-05'),
        settled('T-1'),
        pending('T-1'),
        settled('T-3', 'M-2'),
      ];
      const results = await ledger.mergeMany(batch);
      expect(results.map((r) => r.outcome)).toEqual([
        'CREATED',
        'CREATED',
        'UNCHANGED',
        'UPDATED',
        'CREATED',
      ]);
      expect((await ledger.listByMember('M-1')).map((r) => r.id).sort()).toEqual(['T-1', 'T-2']);
    });
  });

  describe('reconciliation queries', () => {
    it('lists real-time SETTLED transactions still absent from the feed, known on or before a date', async () => {
      await ledger.merge(settled('T-early'));
      await ledger.merge({ ...settled('T-late'), knownOn: '2026-11-09' });
      await ledger.merge(settled('T-fed'));
      await ledger.merge(feedRow('T-fed', '2026-11-05'));
      await ledger.merge(pending('T-pending'));

      const awaiting = await ledger.listAwaitingFeed('2026-11-07');
      expect(awaiting).toEqual([
        { memberId: 'M-1', transactionId: 'T-early', realtimeSettledOn: '2026-11-04' },
      ]);
      expect((await ledger.listAwaitingFeed('2026-11-09')).map((a) => a.transactionId).sort()).toEqual([
        'T-early',
        'T-late',
      ]);
    });

    it('lists transactions of a business date, and a corrected version retracts what it no longer lists', async () => {
      await ledger.merge(feedRow('T-kept', '2026-11-05', 1));
      await ledger.merge(feedRow('T-dropped', '2026-11-05', 1, 'M-2'));
      await ledger.merge(feedRow('T-other', '2026-11-06', 1));
      expect(
        (await ledger.listByFeedDate('2026-11-05')).sort((a, b) =>
          a.transactionId.localeCompare(b.transactionId),
        ),
      ).toEqual([
        { memberId: 'M-2', transactionId: 'T-dropped' },
        { memberId: 'M-1', transactionId: 'T-kept' },
      ]);

      await ledger.merge(feedRow('T-kept', '2026-11-05', 2));
      expect(await ledger.retractFeedDate('M-1', 'T-kept', '2026-11-05', 2)).toBe('UNCHANGED');
      expect(await ledger.retractFeedDate('M-2', 'T-dropped', '2026-11-05', 2)).toBe('UPDATED');
      expect((await ledger.get('M-1', 'T-kept'))?.observations.map((o) => o.feedVersion)).toEqual([2]);
      expect(await ledger.get('M-2', 'T-dropped')).toMatchObject({ observations: [], feedDates: [] });
      expect((await ledger.listByFeedDate('2026-11-05')).map((r) => r.transactionId)).toEqual(['T-kept']);
    });
  });
});

describe('cosmos ledger: requests per merge', () => {
  let database: Awaited<ReturnType<TestCosmos['freshDatabase']>>;
  beforeEach(async () => {
    database = await cosmos.freshDatabase();
  });
  const requestsOf = async (work: () => Promise<unknown>): Promise<string[]> => {
    const before = cosmos.documentRequests().length;
    await work();
    return cosmos.documentRequests().slice(before);
  };

  it('claims and creates a first real-time sighting in two requests, with no failed read', async () => {
    const repo = cosmosRepositories(database).ledger;
    expect(await requestsOf(() => repo.merge(pending('T-new')))).toEqual([
      'POST transactionClaims 201',
      'POST ledger 201',
    ]);
  });

  it('remembers the claim: the next status of a transaction reads and replaces, as does a redelivery', async () => {
    const repo = cosmosRepositories(database).ledger;
    await repo.merge(pending('T-2'));
    expect(await requestsOf(() => repo.merge(settled('T-2')))).toEqual([
      'GET ledger item 200',
      'PUT ledger item 200',
    ]);
    expect(await requestsOf(() => repo.merge(settled('T-2')))).toEqual(['GET ledger item 200']);
  });

  it('after a restart (nothing remembered) finds the earlier claim and merges into the document', async () => {
    await cosmosRepositories(database).ledger.merge(pending('T-3'));
    const restarted = cosmosRepositories(database).ledger;
    expect(await requestsOf(() => restarted.merge(settled('T-3')))).toEqual([
      'POST transactionClaims 409',
      'GET transactionClaims item 200',
      'GET ledger item 200',
      'PUT ledger item 200',
    ]);
    expect((await restarted.get('M-1', 'T-3'))?.observations.map((o) => o.status)).toEqual([
      'PENDING',
      'SETTLED',
    ]);
  });

  it('completes a merge a crash cut short between the claim and the document', async () => {
    const claims = database.container('transactionClaims');
    await claims.items.create({ id: 'T-4', memberId: 'M-1', type: 'LOAD' });
    const repo = cosmosRepositories(database).ledger;
    expect((await repo.merge(settled('T-4'))).outcome).toBe('CREATED');
    expect((await repo.get('M-1', 'T-4'))?.observations).toHaveLength(1);
  });

  it('reads a feed row first, as the feed mostly repeats what real time saw', async () => {
    const repo = cosmosRepositories(database).ledger;
    await repo.merge(settled('T-5'));
    expect(await requestsOf(() => repo.merge(feedRow('T-5', '2026-11-04')))).toEqual([
      'GET ledger item 200',
      'PUT ledger item 200',
    ]);
  });
});
