import { IGNORED_REASONS, type IgnoredReason } from '../../../src/domain/rawTransaction';
import { ignoredMessageOf, type IgnoredMessage } from '../../../src/adapters/documents/ignoredMessage';
import type { IgnoredMessageCounter } from '../../../src/adapters/ports';

/** In-memory `IgnoredMessageCounter`: the same markers as Cosmos, by day and id. */
export function memoryIgnoredMessageCounter(): IgnoredMessageCounter {
  const markers = new Map<string, IgnoredMessage>();
  return {
    async count(input) {
      const marker = ignoredMessageOf(input);
      const key = `${marker.day}|${marker.id}`;
      if (markers.has(key)) return 'ALREADY_COUNTED';
      markers.set(key, marker);
      return 'COUNTED';
    },
    async countsOn(day) {
      const counts = Object.fromEntries(IGNORED_REASONS.map((r) => [r, 0])) as Record<IgnoredReason, number>;
      for (const m of markers.values()) if (m.day === day) counts[m.reason] += 1;
      return counts;
    },
  };
}
