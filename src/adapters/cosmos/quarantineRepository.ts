import type { Container, SqlParameter } from '@azure/cosmos';
import {
  cappedQuarantineItem,
  quarantineId,
  quarantineItemSchema,
  quarantineSourceOf,
  type QuarantineItem,
} from '../documents/quarantine';
import { InvalidContinuationError, type QuarantineRepository } from '../ports';
import { createDoc, readDoc, replaceDoc } from './documents';
import { cosmosStatus } from './errors';
import { withThrottleRetry } from './throttle';

/** Rejected items in `quarantine` (partition /source) under deterministic ids: a redelivery is a no-op. */
export function cosmosQuarantineRepository(container: Container): QuarantineRepository {
  return {
    async put(input) {
      const { key, ...rest } = input;
      const item = quarantineItemSchema.parse(
        cappedQuarantineItem({ ...rest, id: quarantineId(input.source, key) }),
      );
      return (await createDoc(container, item)) === 'CREATED' ? 'CREATED' : 'ALREADY_DONE';
    },

    async list({ source, reason, memberId, resolution, limit, continuation }) {
      const filters: string[] = [];
      const parameters: SqlParameter[] = [];
      const equal = (field: string, value: string | undefined): void => {
        if (value === undefined) return;
        filters.push(`c.${field} = @${field}`);
        parameters.push({ name: `@${field}`, value });
      };
      equal('source', source);
      equal('reason', reason);
      equal('memberId', memberId);
      if (resolution === 'UNRESOLVED') filters.push('NOT IS_DEFINED(c.resolvedAt)');
      if (resolution === 'RESOLVED') filters.push('IS_DEFINED(c.resolvedAt)');
      const query = `SELECT * FROM c${filters.length ? ` WHERE ${filters.join(' AND ')}` : ''}`;
      const iterator = container.items.query(
        { query, parameters },
        {
          maxItemCount: limit,
          ...(continuation ? { continuationToken: continuation } : {}),
          ...(source ? { partitionKey: source } : {}),
        },
      );
      const page = await withThrottleRetry(() => iterator.fetchNext()).catch((error: unknown) => {
        throw continuation !== undefined && isRefusedContinuation(error)
          ? new InvalidContinuationError(error instanceof Error ? error.message : String(error))
          : error;
      });
      const items: QuarantineItem[] = page.resources.map((row) => quarantineItemSchema.parse(row));
      return page.continuationToken ? { items, continuation: page.continuationToken } : { items };
    },

    async listUnresolvedFeedRows(businessDate) {
      const { resources } = await withThrottleRetry(() =>
        container.items
          .query(
            {
              query:
                "SELECT * FROM c WHERE c.source = 'FEED' AND c.businessDate = @d AND NOT IS_DEFINED(c.resolvedAt)",
              parameters: [{ name: '@d', value: businessDate }],
            },
            { partitionKey: 'FEED' },
          )
          .fetchAll(),
      );
      return resources.map((row) => quarantineItemSchema.parse(row));
    },
    async listByMember(memberId, limit) {
      const { resources } = await withThrottleRetry(() =>
        container.items
          .query({
            query: 'SELECT TOP @n * FROM c WHERE c.memberId = @m ORDER BY c.receivedAt DESC',
            parameters: [
              { name: '@n', value: limit },
              { name: '@m', value: memberId },
            ],
          })
          .fetchAll(),
      );
      return resources.map((row) => quarantineItemSchema.parse(row));
    },
    async resolve(id, resolution, resolvedAt) {
      const source = quarantineSourceOf(id);
      if (!source) return 'NOT_FOUND';
      for (let round = 1; round <= 10; round++) {
        const current = await readDoc(container, id, source, quarantineItemSchema);
        if (!current) return 'NOT_FOUND';
        if (current.doc.resolvedAt) return 'ALREADY_DONE';
        const next = quarantineItemSchema.parse(
          cappedQuarantineItem({ ...current.doc, resolvedAt, resolution }),
        );
        if ((await replaceDoc(container, source, next, current.etag)) === 'REPLACED') return 'RESOLVED';
      }
      return 'ALREADY_DONE';
    },
  };
}

/**
 * A continuation the query could not resume from: the service answers 400, and the SDK refuses a
 * cross-partition token it cannot parse before sending anything (an error without a status naming the
 * continuation token). Throttling, server and network errors keep their own meaning.
 */
export function isRefusedContinuation(error: unknown): boolean {
  const status = cosmosStatus(error);
  if (status !== undefined) return status === 400;
  return error instanceof Error && /continuation token/i.test(error.message);
}
