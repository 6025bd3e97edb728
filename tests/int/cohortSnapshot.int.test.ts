import type { Database } from '@azure/cosmos';
import { cosmosRepositories } from '../../src/adapters/cosmos';
import {
  cosmosCohortRepository,
  cosmosCohortWriter,
  type CohortWriter,
} from '../../src/adapters/cosmos/cohortSnapshot';
import { cosmosMemberRepository } from '../../src/adapters/cosmos/memberRepository';
import { cohortDocId, cohortShardOf, COHORT_SHARDS } from '../../src/adapters/documents/cohort';
import type { CohortRepository, Repositories } from '../../src/adapters/ports';
import { anEnrolment, CAMPAIGN } from '../support/cosmosFixtures';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';
import { csv, drop, harness, row } from '../support/feedHarness';

let cosmos: TestCosmos;
let database: Database;
let repos: Repositories;

jest.setTimeout(30_000);

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(async () => {
  await cosmos.stop();
});
beforeEach(async () => {
  database = await cosmos.freshDatabase();
  repos = cosmosRepositories(database);
});

/** Local noon of a November 2026 day in Sydney (UTC+11), so the enrolment's day 0 is that day. */
const onDay = (day: string) => `${day}T01:00:00.000Z`;
const DAYS = ['2026-11-02', '2026-11-03', '2026-11-04'];

async function cohortOf(source: CohortRepository, campaignId = CAMPAIGN): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of source.listIdsByCampaign(campaignId)) ids.push(...page);
  return ids;
}

/** What one call reads, per container, on the emulator's counters. */
async function readsOf<T>(call: () => Promise<T>): Promise<{ result: T; reads: Record<string, number> }> {
  const before = cosmos.documentsRead();
  const result = await call();
  const after = cosmos.documentsRead();
  const reads: Record<string, number> = {};
  for (const [container, n] of Object.entries(after)) {
    if (n !== (before[container] ?? 0)) reads[container] = n - (before[container] ?? 0);
  }
  return { result, reads };
}

/** How many shard documents hold these members (one per shard and day of enrolment). */
const shardsHolding = (entries: readonly (readonly [memberId: string, day0: string])[]) =>
  new Set(entries.map(([m, day0]) => cohortDocId(CAMPAIGN, day0, cohortShardOf(m)))).size;

const shardDoc = async (memberId: string, day0: string) => {
  const id = cohortDocId(CAMPAIGN, day0, cohortShardOf(memberId));
  const { resource } = await database.container('members').item(id, id).read<{ members: object }>();
  return resource;
};
const rawEnrolment = async (memberId: string) =>
  (await database.container('members').item(`${CAMPAIGN}:${memberId}`, memberId).read()).resource as
    Record<string, unknown> | undefined;

describe('cohort snapshot (cosmos)', () => {
  it('lists every enrolled member of the campaign from the snapshot, reading no enrolment', async () => {
    const enrolled = DAYS.flatMap((_, d) => Array.from({ length: 25 }, (_, i) => `M-${d}-${i}`));
    await Promise.all(
      enrolled.map((memberId, i) =>
        repos.members.create(anEnrolment(memberId, { enrolledAt: onDay(DAYS[Math.floor(i / 25)] ?? '') })),
      ),
    );
    await repos.members.create(anEnrolment('OTHER', { campaignId: 'another-campaign' }));

    const { result, reads } = await readsOf(() => cohortOf(repos.cohort));

    expect(result.sort()).toEqual(enrolled.sort());
    // No enrolment is read (the flag query finds none): one document per shard and day of enrolment is.
    const shards = shardsHolding(enrolled.map((m, i) => [m, DAYS[Math.floor(i / 25)] ?? ''] as const));
    expect(reads).toEqual({ members: shards });
    expect(shards).toBeLessThan(enrolled.length);
    expect(shards).toBeLessThanOrEqual(DAYS.length * COHORT_SHARDS);
  });

  it('keeps each member in the shard of its day 0, so later days add documents and leave earlier ones', async () => {
    await repos.members.create(anEnrolment('EARLY', { enrolledAt: onDay('2026-11-02') }));
    expect(await cohortOf(repos.cohort)).toEqual(['EARLY']);
    await repos.members.create(anEnrolment('LATER', { enrolledAt: onDay('2026-11-20') }));

    expect((await cohortOf(repos.cohort)).sort()).toEqual(['EARLY', 'LATER']);
    expect(Object.keys((await shardDoc('EARLY', '2026-11-02'))?.members ?? {})).toContain('EARLY');
    expect(Object.keys((await shardDoc('LATER', '2026-11-20'))?.members ?? {})).toContain('LATER');
    expect(await shardDoc('LATER', '2026-11-02')).toBeUndefined();
  });

  it('adds a member once however often its enrolment is retried or replayed', async () => {
    await repos.members.create(anEnrolment('M-1'));
    await repos.members.create(anEnrolment('M-1'));
    await cosmosCohortWriter(database.container('members')).add(CAMPAIGN, '2026-11-02', 'M-1');

    expect(await cohortOf(repos.cohort)).toEqual(['M-1']);
    expect((await shardDoc('M-1', '2026-11-02'))?.members).toEqual({ 'M-1': 1 });
  });

  it('loses no member when many first enrolments of a day race for the same shards', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `R-${i}`);
    await Promise.all(ids.map((id) => repos.members.create(anEnrolment(id))));

    expect((await cohortOf(repos.cohort)).sort()).toEqual([...ids].sort());
  });
});

describe('an enrolment written but not added to the snapshot (a crash between the two writes)', () => {
  // The shard write fails after the enrolment document was written (a crash, or Cosmos refusing it).
  const crashing: CohortWriter = {
    add: () => Promise.reject(new Error('the shard write failed')),
  };

  it('is still in the cohort, and the cohort read completes its snapshot entry', async () => {
    await repos.members.create(anEnrolment('M-1'));
    const members = cosmosMemberRepository(database.container('members'), crashing);
    expect(await members.create(anEnrolment('M-2'))).toMatchObject({ created: true });
    expect(await rawEnrolment('M-2')).toMatchObject({ cohortPending: true });

    const first = await readsOf(() => cohortOf(repos.cohort));
    expect(first.result.sort()).toEqual(['M-1', 'M-2']);
    // The flagged enrolment (found through the index) and the shard M-1 is in.
    expect(first.reads).toEqual({ members: 1 + shardsHolding([['M-1', '2026-11-02']]) });

    expect((await shardDoc('M-2', '2026-11-02'))?.members).toEqual({ 'M-2': 1 });
    expect(await rawEnrolment('M-2')).toMatchObject({ cohortPending: false });
    const second = await readsOf(() => cohortOf(repos.cohort));
    expect(second.result.sort()).toEqual(['M-1', 'M-2']);
    expect(second.reads).toEqual({
      members: shardsHolding([
        ['M-1', '2026-11-02'],
        ['M-2', '2026-11-02'],
      ]),
    });
  });

  it('is completed by the enrolment retry', async () => {
    const members = cosmosMemberRepository(database.container('members'), crashing);
    expect(await members.create(anEnrolment('M-2'))).toMatchObject({ created: true });

    expect(await repos.members.create(anEnrolment('M-2'))).toMatchObject({ created: false });
    expect((await shardDoc('M-2', '2026-11-02'))?.members).toEqual({ 'M-2': 1 });
    expect(await rawEnrolment('M-2')).toMatchObject({ cohortPending: false });
  });

  it('stays flagged through the decision, and in the cohort after it', async () => {
    const members = cosmosMemberRepository(database.container('members'), crashing);
    expect(await members.create(anEnrolment('M-2'))).toMatchObject({ created: true });
    await repos.members.markDecided(CAMPAIGN, 'M-2', '2026-12-08T00:00:00.000Z');

    expect(await rawEnrolment('M-2')).toMatchObject({ cohortPending: true, decidedAt: expect.any(String) });
    const unrepaired = cosmosCohortRepository(database.container('members'), crashing);
    expect(await cohortOf(unrepaired)).toEqual(['M-2']);
    expect(await cohortOf(unrepaired)).toEqual(['M-2']); // a failed repair leaves the flag for the next read
  });

  it('is listed by a read that starts after the enrolment, whatever the two writes interleave with', async () => {
    // The flag is read before the shards: an enrolment that cleared it already has its snapshot entry.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: CohortWriter = {
      add: async (...args) => {
        await gate;
        return cosmosCohortWriter(database.container('members')).add(...args);
      },
    };
    const enrolling = cosmosMemberRepository(database.container('members'), slow).create(anEnrolment('M-3'));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the enrolment document is written
    expect(await cohortOf(repos.cohort)).toEqual(['M-3']);
    release();
    await enrolling;
    expect(await cohortOf(repos.cohort)).toEqual(['M-3']);
  });
});

describe('a feed run over the cohort snapshot', () => {
  it('treats the rows of members enrolled on any day before the run as campaign rows, and reads no enrolment', async () => {
    const early = Array.from({ length: 30 }, (_, i) => `A-${i}`);
    await Promise.all(
      early.map((m) => repos.members.create(anEnrolment(m, { enrolledAt: onDay('2026-11-02') }))),
    );
    await repos.members.create(anEnrolment('B', { enrolledAt: onDay('2026-11-20') }));
    const h = harness([], { cohortSource: repos.cohort });
    const file = drop(
      csv([
        row({ transaction_id: 'T-1', member_id: 'A-7' }),
        row({ transaction_id: 'T-2', member_id: 'B' }),
        row({ transaction_id: 'T-3', member_id: 'NOT-ENROLLED' }),
      ]),
    );
    h.put(file);

    const { reads } = await readsOf(() => h.ingest(file));

    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run?.report).toMatchObject({
      rowsRead: 3,
      campaignRows: 2,
      applied: 2,
      ignored: { NON_CAMPAIGN_MEMBER: 1 },
    });
    const shards = shardsHolding([...early.map((m) => [m, '2026-11-02'] as const), ['B', '2026-11-20']]);
    expect(reads).toEqual({ members: shards });
    expect(shards).toBeLessThan(early.length + 1);
  });
});
