import type { Database } from '@azure/cosmos';
import { cosmosHealth, cosmosRepositories } from '../../src/adapters/cosmos';
import { SDK_THROTTLE_RETRY } from '../../src/adapters/cosmos/client';
import { CONTAINER_DEFINITIONS, ensureContainers } from '../../src/adapters/cosmos/containers';
import { DEFAULT_THROTTLE } from '../../src/adapters/cosmos/throttle';
import { memoryRepositories } from '../support/memory';
import type { MemberStateWrite, Repositories } from '../../src/adapters/ports';
import { quarantineId } from '../../src/adapters/documents/quarantine';
import { aDecision, anEnrolment, CAMPAIGN } from '../support/cosmosFixtures';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';

let cosmos: TestCosmos;
let database: Database;
let repos: Repositories;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(async () => {
  await cosmos.stop();
});
beforeEach(async () => {
  database = await cosmos.freshDatabase();
});

// The in-memory repositories (for unit tests of shells) must keep the same contract as Cosmos.
const implementations: [string, () => Repositories][] = [
  ['cosmos', () => cosmosRepositories(database)],
  ['memory', () => memoryRepositories()],
];

describe('ensureContainers (cosmos)', () => {
  it('creates every container with its partition key, and running it again changes nothing', async () => {
    await ensureContainers(cosmos.client, database.id);
    const { resources } = await database.containers.readAll().fetchAll();
    expect(resources.map((c) => c.id).sort()).toEqual(CONTAINER_DEFINITIONS.map((d) => d.id).sort());
    const rewards = resources.find((c) => c.id === 'rewards');
    expect(rewards?.partitionKey?.paths).toEqual(['/memberId']);
    expect(rewards?.uniqueKeyPolicy?.uniqueKeys).toEqual([{ paths: ['/campaignId'] }]);
  });
});

describe('cosmosHealth', () => {
  it('reports ok for a reachable database and down, without secrets, for a missing one', async () => {
    expect(await cosmosHealth(database)).toMatchObject({ status: 'ok' });
    const missing = await cosmosHealth(cosmos.client.database('no-such-db'));
    expect(missing).toEqual({ status: 'down', detail: 'cosmos database no-such-db: 404' });
  });
});

describe('throttling (cosmos)', () => {
  it('rides out a burst of 429s after the server-given wait', async () => {
    const repos = cosmosRepositories(database);
    const before = cosmos.throttled();
    cosmos.throttle(5, 2);
    expect(await repos.rewards.recordDecision(aDecision('M-1'))).toBe('RECORDED');
    expect(cosmos.throttled() - before).toBe(5);
  });

  it('gives up after a bounded number of attempts and throws the 429 for the trigger to retry', async () => {
    const repos = cosmosRepositories(database);
    const before = cosmos.throttled();
    cosmos.throttle(1_000, 1);
    await expect(repos.rewards.get(CAMPAIGN, 'M-1')).rejects.toMatchObject({ code: 429 });
    const served = cosmos.throttled() - before;
    cosmos.throttle(0);
    // SDK retries (3) inside each of our attempts (4): bounded, never an open-ended loop.
    expect(served).toBe((1 + SDK_THROTTLE_RETRY.maxRetryAttemptCount) * DEFAULT_THROTTLE.maxAttempts);
  });
});

describe('rewards (cosmos)', () => {
  beforeEach(() => {
    repos = cosmosRepositories(database);
  });

  it('treats a unique-key clash under another id (campaign already decided in this partition) as ALREADY_DONE', async () => {
    const rogue = { id: 'some-other-id', ...aDecision('M-1', { decision: 'DISQUALIFIED' }) };
    await database.container('rewards').items.create(rogue);
    expect(await repos.rewards.recordDecision(aDecision('M-1'))).toBe('ALREADY_DONE');
    expect(await repos.rewards.recordDecision(aDecision('M-2'))).toBe('RECORDED');
  });
});

describe.each(implementations)('%s repositories', (_name, make) => {
  beforeEach(() => {
    repos = make();
  });

  describe('members', () => {
    it('returns the first enrolment when the same member enrols twice', async () => {
      const first = await repos.members.create(anEnrolment('M-1'));
      const second = await repos.members.create(
        anEnrolment('M-1', { enrolledAt: '2026-11-05T00:00:00.000Z' }),
      );
      expect(first).toEqual({ created: true, enrolment: anEnrolment('M-1') });
      expect(first.created).toBe(true);
      expect(second).toEqual({
        created: false,
        existing: expect.objectContaining({ enrolledAt: '2026-11-02T01:00:00.000Z' }),
      });
      expect(await repos.members.get(CAMPAIGN, 'M-1')).toMatchObject({
        memberId: 'M-1',
        enrolledAt: '2026-11-02T01:00:00.000Z',
      });
      expect(await repos.members.get(CAMPAIGN, 'M-2')).toBeUndefined();
    });

    it('normalises instants so string comparison in queries is chronological', async () => {
      const created = await repos.members.create(
        anEnrolment('M-1', { evaluationAt: '2026-12-08T00:00:00+11:00' }),
      );
      expect(created.created && created.enrolment.window.evaluationAt).toBe('2026-12-07T13:00:00.000Z');
    });

    it('pages the cohort of one campaign only', async () => {
      for (let i = 0; i < 7; i++) await repos.members.create(anEnrolment(`M-${i}`));
      await repos.members.create(anEnrolment('OTHER', { campaignId: 'another-campaign' }));
      const pages: string[][] = [];
      for await (const page of repos.members.listIdsByCampaign(CAMPAIGN, 3)) pages.push(page);
      expect(pages.flat().sort()).toEqual(['M-0', 'M-1', 'M-2', 'M-3', 'M-4', 'M-5', 'M-6']);
      expect(Math.max(...pages.map((p) => p.length))).toBeLessThanOrEqual(3);
    });

    it('lists members due for evaluation, oldest first, skipping decided ones', async () => {
      await repos.members.create(anEnrolment('LATE', { evaluationAt: '2026-12-07T13:00:00.000Z' }));
      await repos.members.create(anEnrolment('EARLY', { evaluationAt: '2026-12-05T13:00:00.000Z' }));
      await repos.members.create(anEnrolment('FUTURE', { evaluationAt: '2026-12-20T13:00:00.000Z' }));
      await repos.members.create(anEnrolment('DONE', { evaluationAt: '2026-12-01T13:00:00.000Z' }));
      await repos.members.markDecided(CAMPAIGN, 'DONE', '2026-12-02T00:00:00.000Z');
      await repos.members.markDecided(CAMPAIGN, 'DONE', '2026-12-03T00:00:00.000Z');

      const due = await repos.members.listDueForEvaluation(CAMPAIGN, '2026-12-10T00:00:00+11:00');
      expect(due.map((d) => d.memberId)).toEqual(['EARLY', 'LATE']);
      expect(await repos.members.listDueForEvaluation(CAMPAIGN, '2026-12-10T00:00:00.000Z', 1)).toHaveLength(
        1,
      );
      expect((await repos.members.get(CAMPAIGN, 'DONE'))?.decidedAt).toBe('2026-12-02T00:00:00.000Z');
    });
  });

  describe('members: enrolments whose start is not confirmed (the sweep)', () => {
    it('lists undecided enrolments still flagged startPending, in memberId order, paged; markStarted clears', async () => {
      for (const memberId of ['B', 'A', 'C', 'STARTED', 'DONE'])
        await repos.members.create(anEnrolment(memberId));
      await repos.members.markStarted(CAMPAIGN, 'STARTED');
      await repos.members.markDecided(CAMPAIGN, 'DONE', '2026-12-08T00:00:00.000Z');
      await repos.members.markDecided(CAMPAIGN, 'C', '2026-12-08T00:00:00.000Z');
      await repos.members.create(anEnrolment('B')); // a retry of the enrolment keeps the flag

      const first = await repos.members.listStartPending(CAMPAIGN, 2);
      expect(first).toEqual(['A', 'B']);
      expect(await repos.members.listStartPending(CAMPAIGN, 2, first.at(-1))).toEqual([]);

      await repos.members.markStarted(CAMPAIGN, 'A');
      await repos.members.markStarted(CAMPAIGN, 'A');
      await repos.members.markStarted(CAMPAIGN, 'NEVER-ENROLLED');
      expect(await repos.members.listStartPending(CAMPAIGN)).toEqual(['B']);
      expect(await repos.members.get(CAMPAIGN, 'A')).toEqual(anEnrolment('A'));
    });
  });

  describe('memberStates', () => {
    const write = (memberId: string, patch: Partial<MemberStateWrite> = {}): MemberStateWrite => ({
      memberId,
      campaignId: CAMPAIGN,
      state: 'ACTIVE',
      atRisk: false,
      held: false,
      decision: null,
      rewardStatus: null,
      enrolledOn: '2026-11-25',
      lastGraceDate: '2026-12-30',
      waitingFor: null,
      waitingSince: null,
      version: 1,
      updatedAt: '2026-11-25T00:00:00.000Z',
      ...patch,
    });

    it('keeps the highest version, keeps stateSince while the state stays, and counts in one aggregate', async () => {
      expect(await repos.memberStates.put(write('M-1'))).toBe('WRITTEN');
      expect(await repos.memberStates.put(write('M-1'))).toBe('UNCHANGED');
      const later = '2026-11-26T00:00:00.000Z';
      expect(await repos.memberStates.put(write('M-1', { version: 2, atRisk: true, updatedAt: later }))).toBe(
        'WRITTEN',
      );
      expect(await repos.memberStates.put(write('M-1', { version: 1, state: 'ENROLLED' }))).toBe('UNCHANGED');
      expect(await repos.memberStates.get(CAMPAIGN, 'M-1')).toMatchObject({
        version: 2,
        state: 'ACTIVE',
        atRisk: true,
        stateSince: '2026-11-25T00:00:00.000Z',
      });
      await repos.memberStates.put(write('M-1', { version: 3, state: 'PENDING_REWARD', updatedAt: later }));
      expect((await repos.memberStates.get(CAMPAIGN, 'M-1'))?.stateSince).toBe(later);

      await repos.memberStates.put(
        write('M-2', { state: 'REWARDING', decision: 'QUALIFIED', rewardStatus: 'PENDING' }),
      );
      await repos.memberStates.put(write('M-3', { state: 'NEEDS_REVIEW', held: true }));
      await repos.memberStates.put(
        write('M-4', { state: 'NEEDS_REVIEW', decision: 'QUALIFIED', rewardStatus: 'NEEDS_REVIEW' }),
      );
      await repos.memberStates.put(write('M-5', { campaignId: 'another-campaign' }));
      expect(await repos.memberStates.counts(CAMPAIGN)).toEqual({
        members: 4,
        counts: {
          ENROLLED: 0,
          ACTIVE: 0,
          PENDING_REWARD: 1,
          DISQUALIFIED: 0,
          REWARDING: 1,
          COMPLETE: 0,
          EXPIRED: 0,
          NEEDS_REVIEW: 2,
        },
        atRisk: 0,
        held: 1,
        rewardsPending: 1,
        rewardsNeedsReview: 1,
      });
    });

    it('counts one day of enrolment in the same aggregate, narrowed by enrolledOn', async () => {
      await repos.memberStates.put(write('M-1', { enrolledOn: '2026-11-24' }));
      await repos.memberStates.put(write('M-2', { enrolledOn: '2026-11-25', held: true }));
      await repos.memberStates.put(write('M-3', { enrolledOn: '2026-11-25', state: 'ENROLLED' }));
      await repos.memberStates.put(
        write('M-4', { enrolledOn: '2026-11-25', campaignId: 'another-campaign' }),
      );

      const on25 = await repos.memberStates.counts(CAMPAIGN, { enrolledOn: '2026-11-25' });
      const on24 = await repos.memberStates.counts(CAMPAIGN, { enrolledOn: '2026-11-24' });
      const on23 = await repos.memberStates.counts(CAMPAIGN, { enrolledOn: '2026-11-23' });

      expect(on25).toMatchObject({ members: 2, held: 1, counts: { ACTIVE: 1, ENROLLED: 1 } });
      expect(on24).toMatchObject({ members: 1, held: 0, counts: { ACTIVE: 1, ENROLLED: 0 } });
      expect(on23.members).toBe(0);
      expect((await repos.memberStates.counts(CAMPAIGN)).members).toBe(3);
    });

    it('finds the members a watermark wakes, and reads a set of members in one query', async () => {
      const waiting = { waitingFor: 'WATERMARK_BEHIND' as const, waitingSince: '2026-12-30T13:00:00.000Z' };
      // Given undecided members waiting for the watermark (or not projected waiting yet), others decided
      await repos.memberStates.put(write('COVERED', { lastGraceDate: '2026-12-30', ...waiting }));
      await repos.memberStates.put(write('NEWLY', { lastGraceDate: '2026-12-30' }));
      await repos.memberStates.put(write('LATER', { lastGraceDate: '2026-12-31', ...waiting }));
      await repos.memberStates.put(write('EARLIER', { lastGraceDate: '2026-12-28', ...waiting }));
      await repos.memberStates.put(write('OLD', { lastGraceDate: '2026-12-28' }));
      await repos.memberStates.put(
        write('DECIDED', { lastGraceDate: '2026-12-30', decision: 'NOT_REACHED' }),
      );
      await repos.memberStates.put(
        write('HELD', { lastGraceDate: '2026-12-20', waitingFor: 'QUARANTINE_HOLD', held: true }),
      );
      await repos.memberStates.put(
        write('ELSEWHERE', { campaignId: 'another', lastGraceDate: '2026-12-30' }),
      );

      // When the watermark moves from 2026-12-29 to 2026-12-30
      const pages: string[][] = [];
      for await (const page of repos.memberStates.listWatermarkWakes(CAMPAIGN, '2026-12-30', '2026-12-29'))
        pages.push(page);

      // Then exactly the undecided members whose last grace date it covers and who wait for it (or whose
      // last grace date it newly covers) are found
      expect(pages.flat().sort()).toEqual(['COVERED', 'EARLIER', 'NEWLY']);
      const many = await repos.memberStates.getMany(CAMPAIGN, ['HELD', 'NEWLY', 'NOBODY', 'ELSEWHERE']);
      expect(many.map((d) => [d.memberId, d.waitingFor]).sort()).toEqual([
        ['HELD', 'QUARANTINE_HOLD'],
        ['NEWLY', null],
      ]);
    });

    it('counts zero of everything for a campaign without documents', async () => {
      const empty = await repos.memberStates.counts(CAMPAIGN);
      expect(empty.members).toBe(0);
      expect(Object.values(empty.counts).every((n) => n === 0)).toBe(true);
    });

    it('pages member ids in id order after a key (the rebuild)', async () => {
      for (const id of ['M-3', 'M-1', 'M-2', 'M-4']) await repos.members.create(anEnrolment(id));
      expect(await repos.members.listIdsAfter(CAMPAIGN, 2)).toEqual(['M-1', 'M-2']);
      expect(await repos.members.listIdsAfter(CAMPAIGN, 2, 'M-2')).toEqual(['M-3', 'M-4']);
      expect(await repos.members.listIdsAfter(CAMPAIGN, 2, 'M-4')).toEqual([]);
    });
  });

  describe('rewards', () => {
    it('maps a second decision for the member (same id, unique key) to ALREADY_DONE and keeps the first', async () => {
      expect(await repos.rewards.recordDecision(aDecision('M-1'))).toBe('RECORDED');
      expect(await repos.rewards.recordDecision(aDecision('M-1', { decision: 'NOT_REACHED' }))).toBe(
        'ALREADY_DONE',
      );
      expect(await repos.rewards.get(CAMPAIGN, 'M-1')).toMatchObject({
        decision: 'QUALIFIED',
        issuance: { status: 'PENDING' },
      });
    });

    it('records issuance under ETag and never regresses an ISSUED reward', async () => {
      await repos.rewards.recordDecision(aDecision('M-1'));
      const at = '2026-12-08T00:01:00.000Z';
      expect(
        await repos.rewards.updateIssuance(CAMPAIGN, 'M-1', {
          attempts: 1,
          updatedAt: at,
          lastError: 'timeout',
        }),
      ).toBe('UPDATED');
      const issued = {
        status: 'ISSUED' as const,
        outcome: 'REPLAYED' as const,
        creditId: 'C-1',
        updatedAt: at,
      };
      expect(await repos.rewards.updateIssuance(CAMPAIGN, 'M-1', issued)).toBe('UPDATED');
      expect(await repos.rewards.updateIssuance(CAMPAIGN, 'M-1', { status: 'PENDING', updatedAt: at })).toBe(
        'UNCHANGED',
      );
      expect(
        await repos.rewards.updateIssuance(CAMPAIGN, 'NOBODY', { status: 'PENDING', updatedAt: at }),
      ).toBe('NOT_FOUND');
      expect((await repos.rewards.get(CAMPAIGN, 'M-1'))?.issuance).toEqual({
        status: 'ISSUED',
        attempts: 1,
        updatedAt: at,
        outcome: 'REPLAYED',
        creditId: 'C-1',
        lastError: 'timeout',
      });
    });

    it('lists qualified rewards stuck in PENDING issuance before a cut-off, oldest first', async () => {
      await repos.rewards.recordDecision(aDecision('NEW', { decidedAt: '2026-12-09T00:00:00.000Z' }));
      await repos.rewards.recordDecision(aDecision('OLD', { decidedAt: '2026-12-07T00:00:00.000Z' }));
      await repos.rewards.recordDecision(aDecision('MID', { decidedAt: '2026-12-08T00:00:00.000Z' }));
      await repos.rewards.recordDecision(
        aDecision('EXPIRED', { decision: 'NOT_REACHED', decidedAt: '2026-12-01T00:00:00.000Z' }),
      );
      await repos.rewards.updateIssuance(CAMPAIGN, 'MID', {
        status: 'ISSUED',
        updatedAt: '2026-12-08T00:00:00.000Z',
      });
      const stuck = await repos.rewards.listStuck(CAMPAIGN, '2026-12-09T00:00:00.000Z');
      expect(stuck.map((r) => r.memberId)).toEqual(['OLD', 'NEW']);
    });
  });

  describe('quarantine', () => {
    const item = {
      key: 'T-9:SETTLED/redelivery?#1',
      source: 'REALTIME' as const,
      reason: 'MESSAGE.INVALID',
      detail: 'audAmount: too many decimals',
      raw: { transactionId: 'T-9', audAmount: '1.001' },
      receivedAt: '2026-11-25T00:00:00.000Z',
    };

    it('is idempotent per source item, also for keys with characters Cosmos ids forbid', async () => {
      expect(await repos.quarantine.put(item)).toBe('CREATED');
      expect(await repos.quarantine.put({ ...item, receivedAt: '2026-11-25T01:00:00.000Z' })).toBe(
        'ALREADY_DONE',
      );
      const page = await repos.quarantine.list({ limit: 10 });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({
        source: 'REALTIME',
        reason: 'MESSAGE.INVALID',
        receivedAt: '2026-11-25T00:00:00.000Z',
      });
    });

    it('pages by source with a continuation token and resolves once', async () => {
      for (let line = 2; line <= 6; line++) {
        await repos.quarantine.put({
          ...item,
          key: `2026-11-24:v1:${line}`,
          source: 'FEED',
          line,
          reason: 'ROW.INVALID',
        });
      }
      await repos.quarantine.put(item);
      const first = await repos.quarantine.list({ source: 'FEED', limit: 3 });
      expect(first.items).toHaveLength(3);
      expect(first.continuation).toBeDefined();
      const second = await repos.quarantine.list({
        source: 'FEED',
        limit: 3,
        ...(first.continuation ? { continuation: first.continuation } : {}),
      });
      expect([...first.items, ...second.items].map((i) => i.line).sort()).toEqual([2, 3, 4, 5, 6]);

      const id = first.items[0]?.id ?? '';
      expect(await repos.quarantine.resolve(id, 'corrected file v2', '2026-11-26T00:00:00.000Z')).toBe(
        'RESOLVED',
      );
      expect(await repos.quarantine.resolve(id, 'again', '2026-11-27T00:00:00.000Z')).toBe('ALREADY_DONE');
      expect(await repos.quarantine.resolve('FEED:missing', 'x', '2026-11-27T00:00:00.000Z')).toBe(
        'NOT_FOUND',
      );
      const unresolved = await repos.quarantine.list({ source: 'FEED', limit: 10, resolution: 'UNRESOLVED' });
      expect(unresolved.items.map((i) => i.id)).not.toContain(id);
      expect(unresolved.items).toHaveLength(4);
    });

    it('narrows by reason, member and resolution in the query, so a filter reaches every page', async () => {
      for (let line = 2; line <= 9; line++)
        await repos.quarantine.put({
          ...item,
          key: `2026-11-24:v1:${line}`,
          source: 'FEED',
          line,
          memberId: line % 2 === 0 ? 'M-EVEN' : 'M-ODD',
          reason: line <= 5 ? 'TX.BAD_AUD_AMOUNT' : 'ROW.COLUMN_COUNT',
        });
      await repos.quarantine.resolve(
        quarantineId('FEED', '2026-11-24:v1:2'),
        'corrected file v2',
        '2026-11-26T00:00:00.000Z',
      );
      const all = async (query: Omit<Parameters<typeof repos.quarantine.list>[0], 'limit'>) => {
        const lines: number[] = [];
        let continuation: string | undefined;
        do {
          const page = await repos.quarantine.list({
            ...query,
            limit: 1,
            ...(continuation ? { continuation } : {}),
          });
          lines.push(...page.items.map((i) => i.line ?? 0));
          continuation = page.continuation;
        } while (continuation);
        return lines.sort();
      };
      expect(await all({ memberId: 'M-EVEN' })).toEqual([2, 4, 6, 8]);
      expect(await all({ source: 'FEED', reason: 'TX.BAD_AUD_AMOUNT' })).toEqual([2, 3, 4, 5]);
      expect(
        await all({ reason: 'TX.BAD_AUD_AMOUNT', memberId: 'M-EVEN', resolution: 'UNRESOLVED' }),
      ).toEqual([4]);
      expect(await all({ resolution: 'RESOLVED' })).toEqual([2]);
      expect(await all({ reason: 'TX.BAD_AMOUNT' })).toEqual([]);
    });

    it("lists a business date's unresolved feed rows, every version, for a correction to resolve", async () => {
      const row = (businessDate: string, version: number, line: number) => ({
        ...item,
        key: `${businessDate}:v${version}:line:${line}`,
        source: 'FEED' as const,
        businessDate,
        line,
        reason: 'TX.BAD_AUD_AMOUNT',
      });
      for (const r of [row('2026-11-24', 1, 2), row('2026-11-24', 1, 3), row('2026-11-24', 2, 2)])
        await repos.quarantine.put(r);
      await repos.quarantine.put(row('2026-11-25', 1, 2));
      await repos.quarantine.put({ ...item, businessDate: '2026-11-24' }); // a real-time item is not a feed row
      await repos.quarantine.resolve(
        quarantineId('FEED', '2026-11-24:v1:line:3'),
        'corrected file v2',
        '2026-11-26T00:00:00.000Z',
      );

      const rows = await repos.quarantine.listUnresolvedFeedRows('2026-11-24');

      expect(rows.map((r) => r.id).sort()).toEqual(
        [quarantineId('FEED', '2026-11-24:v1:line:2'), quarantineId('FEED', '2026-11-24:v2:line:2')].sort(),
      );
      expect(rows.every((r) => r.source === 'FEED' && r.resolvedAt === undefined)).toBe(true);
    });
  });
});
