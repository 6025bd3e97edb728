import {
  cappedQuarantineItem,
  quarantineId,
  quarantineItemSchema,
  type QuarantineItem,
} from '../../../src/adapters/documents/quarantine';
import { InvalidContinuationError, type QuarantineRepository } from '../../../src/adapters/ports';

/** In-memory `QuarantineRepository`; its continuation token is an offset. */
export function memoryQuarantineRepository(): QuarantineRepository {
  const items = new Map<string, QuarantineItem>();
  return {
    async put(input) {
      const { key, ...rest } = input;
      const item = quarantineItemSchema.parse(
        cappedQuarantineItem({ ...rest, id: quarantineId(input.source, key) }),
      );
      if (items.has(item.id)) return 'ALREADY_DONE';
      items.set(item.id, item);
      return 'CREATED';
    },
    async list({ source, reason, memberId, resolution, limit, continuation }) {
      const matching = [...items.values()].filter(
        (i) =>
          (!source || i.source === source) &&
          (!reason || i.reason === reason) &&
          (!memberId || i.memberId === memberId) &&
          (resolution !== 'UNRESOLVED' || !i.resolvedAt) &&
          (resolution !== 'RESOLVED' || Boolean(i.resolvedAt)),
      );
      const start = continuation === undefined ? 0 : Number(continuation);
      if (continuation !== undefined && !(Number.isSafeInteger(start) && start > 0))
        throw new InvalidContinuationError(`offset ${continuation ?? ''}`);
      const page = matching.slice(start, start + limit);
      const end = start + page.length;
      return end < matching.length ? { items: page, continuation: String(end) } : { items: page };
    },
    async listUnresolvedFeedRows(businessDate) {
      return [...items.values()].filter(
        (i) => i.source === 'FEED' && i.businessDate === businessDate && !i.resolvedAt,
      );
    },
    async listByMember(memberId, limit) {
      return [...items.values()]
        .filter((i) => i.memberId === memberId)
        .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
        .slice(0, limit);
    },
    async resolve(id, resolution, resolvedAt) {
      const item = items.get(id);
      if (!item) return 'NOT_FOUND';
      if (item.resolvedAt) return 'ALREADY_DONE';
      items.set(id, quarantineItemSchema.parse(cappedQuarantineItem({ ...item, resolvedAt, resolution })));
      return 'RESOLVED';
    },
  };
}
