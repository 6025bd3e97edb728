import { cosmosRepositories } from '../../src/adapters/cosmos';
import { memoryIgnoredMessageCounter } from '../support/memory';
import type { IgnoredMessageCounter, IgnoredMessageInput } from '../../src/adapters/ports';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';

// SPEC §3/§7 "ignored and counted": the counter against the Cosmos emulator and in memory. Service Bus
// redelivers a message whose completion was lost, so the same message id must never count twice.

let cosmos: TestCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(async () => {
  await cosmos.stop();
});

const implementations: [string, () => Promise<IgnoredMessageCounter>][] = [
  ['cosmos', async () => cosmosRepositories(await cosmos.freshDatabase()).ignored],
  ['memory', async () => memoryIgnoredMessageCounter()],
];

const AT = '2026-11-25T00:00:00.000Z';
const ignored = (messageId: string, patch: Partial<IgnoredMessageInput> = {}): IgnoredMessageInput => ({
  messageId,
  day: '2026-11-25',
  reason: 'NON_CAMPAIGN_MEMBER',
  at: AT,
  ...patch,
});

describe.each(implementations)('%s ignored-message counter', (_name, make) => {
  let counter: IgnoredMessageCounter;
  beforeEach(async () => {
    counter = await make();
  });

  it('counts each message once per day and reason, with every reason present', async () => {
    // Given messages of two days and three reasons, one of them delivered three times
    const answers = [
      await counter.count(ignored('T-1:SETTLED')),
      await counter.count(ignored('T-1:SETTLED')),
      await counter.count(ignored('T-2:PENDING')),
      await counter.count(ignored('T-3:SETTLED', { reason: 'UNKNOWN_METHOD' })),
      await counter.count(ignored('T-4:SETTLED', { day: '2026-11-26', reason: 'NON_QUALIFYING_TYPE' })),
      await counter.count(ignored('T-1:SETTLED')),
    ];

    // Then only first deliveries counted, each under its own day and reason
    expect(answers).toEqual([
      'COUNTED',
      'ALREADY_COUNTED',
      'COUNTED',
      'COUNTED',
      'COUNTED',
      'ALREADY_COUNTED',
    ]);
    expect(await counter.countsOn('2026-11-25')).toEqual({
      NON_CAMPAIGN_MEMBER: 2,
      NON_QUALIFYING_TYPE: 0,
      UNKNOWN_METHOD: 1,
    });
    expect(await counter.countsOn('2026-11-26')).toEqual({
      NON_CAMPAIGN_MEMBER: 0,
      NON_QUALIFYING_TYPE: 1,
      UNKNOWN_METHOD: 0,
    });
    expect(await counter.countsOn('2026-11-27')).toEqual({
      NON_CAMPAIGN_MEMBER: 0,
      NON_QUALIFYING_TYPE: 0,
      UNKNOWN_METHOD: 0,
    });
  });

  it('counts a message once when its deliveries race', async () => {
    // Given ten concurrent deliveries of each of five messages (a lock lost mid-handler, many instances)
    const deliveries = Array.from({ length: 50 }, (_, i) => ignored(`T-${i % 5}:SETTLED`));

    // When they are all counted at once
    const answers = await Promise.all(deliveries.map((d) => counter.count(d)));

    // Then each message counted exactly once
    expect(answers.filter((a) => a === 'COUNTED')).toHaveLength(5);
    expect((await counter.countsOn('2026-11-25')).NON_CAMPAIGN_MEMBER).toBe(5);
  });

  it('keeps message ids Cosmos cannot take as ids apart', async () => {
    // Given ids with characters Cosmos forbids in ids, and one far past its length limit
    const odd = ['a/b:SETTLED', 'a?b:SETTLED', 'a#b:SETTLED', `${'x'.repeat(300)}:SETTLED`];

    // When each is counted twice
    for (const id of [...odd, ...odd]) await counter.count(ignored(id));

    // Then each counts once
    expect((await counter.countsOn('2026-11-25')).NON_CAMPAIGN_MEMBER).toBe(odd.length);
  });
});
