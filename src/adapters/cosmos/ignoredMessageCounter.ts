import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { IGNORED_REASONS, type IgnoredReason } from '../../domain/rawTransaction';
import { ignoredMessageOf } from '../documents/ignoredMessage';
import type { IgnoredMessageCounter } from '../ports';
import { createDoc, queryAll } from './documents';

/**
 * Ignored real-time messages in `ignoredMessages` (partition /day): counting one creates its marker, so a
 * redelivery is a 409 and counts nothing, and no document is written twice (none is hot). A day's count
 * of a reason is its markers' COUNT from the index within the day's partition; the filter repeats the
 * day because the emulator does not scope an aggregate to the partition key.
 */
export function cosmosIgnoredMessageCounter(container: Container): IgnoredMessageCounter {
  return {
    async count(input) {
      return (await createDoc(container, ignoredMessageOf(input))) === 'CREATED'
        ? 'COUNTED'
        : 'ALREADY_COUNTED';
    },
    async countsOn(day) {
      const counts = await Promise.all(
        IGNORED_REASONS.map(async (reason) => {
          const [n] = await queryAll(
            container,
            'SELECT VALUE COUNT(1) FROM c WHERE c.day = @d AND c.reason = @r',
            [
              { name: '@d', value: day },
              { name: '@r', value: reason },
            ],
            z.number().int().nonnegative(),
            { partitionKey: day },
          );
          return [reason, n ?? 0] as const;
        }),
      );
      return Object.fromEntries(counts) as Record<IgnoredReason, number>;
    },
  };
}
