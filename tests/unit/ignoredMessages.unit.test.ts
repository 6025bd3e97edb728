import fc from 'fast-check';
import { ignoredMessageOf } from '../../src/adapters/documents/ignoredMessage';
import { memoryIgnoredMessageCounter } from '../support/memory';
import type { IgnoredMessageInput } from '../../src/adapters/ports';
import { IGNORED_REASONS } from '../../src/domain';

// SPEC §3/§7 "ignored and counted", under at-least-once delivery: a message counts once, whatever the
// order and number of its deliveries.

const AT = '2026-11-25T00:00:00.000Z';

/** A message's deliveries agree on everything but when they were handled (enqueue date and id are fixed). */
const messageArb = fc.record({
  messageId: fc.constantFrom('T-1:SETTLED', 'T-1:PENDING', 'T-2:SETTLED', 'a/b#c?:SETTLED', 'T-3:FAILED'),
  day: fc.constantFrom('2026-11-25', '2026-11-26'),
  reason: fc.constantFrom(...IGNORED_REASONS),
});
const distinctMessages = fc.uniqueArray(messageArb, {
  selector: (m) => `${m.day}|${m.messageId}`,
  maxLength: 10,
});

describe('ignored-message counts', () => {
  it('given any order and duplication of deliveries, then each day counts each of its messages once', async () => {
    await fc.assert(
      fc.asyncProperty(
        distinctMessages.chain((messages) =>
          fc.tuple(
            fc.constant(messages),
            fc.shuffledSubarray([...messages, ...messages, ...messages], { minLength: messages.length * 3 }),
          ),
        ),
        async ([messages, deliveries]) => {
          const counter = memoryIgnoredMessageCounter();
          for (const d of deliveries) await counter.count({ ...d, at: AT } satisfies IgnoredMessageInput);
          for (const day of ['2026-11-25', '2026-11-26']) {
            const expected = Object.fromEntries(
              IGNORED_REASONS.map((r) => [r, messages.filter((m) => m.day === day && m.reason === r).length]),
            );
            expect(await counter.countsOn(day)).toEqual(expected);
          }
        },
      ),
    );
  });

  it('marks a message under its message id, encoded so Cosmos takes it, hashed when long', () => {
    const marker = (messageId: string) =>
      ignoredMessageOf({ messageId, day: '2026-11-25', reason: 'UNKNOWN_METHOD', at: AT }).id;
    expect(marker('T-1:SETTLED')).toBe('T-1%3ASETTLED');
    expect(marker('a/b')).not.toMatch(/[/\\?#]/);
    expect(marker('x'.repeat(300))).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(marker('x'.repeat(300))).toBe(marker('x'.repeat(300)));
    expect(marker('a/b')).not.toBe(marker('a%2Fb'));
  });
});
