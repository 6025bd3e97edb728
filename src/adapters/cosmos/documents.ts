import type { Container, ItemDefinition, PartitionKey } from '@azure/cosmos';
import type { z } from 'zod';
import { isConflict, isPreconditionFailed } from './errors';
import { withThrottleRetry } from './throttle';

/** A validated document and the ETag it was read at. */
export interface Versioned<T> {
  doc: T;
  etag: string;
}

/** Point-reads and validates a document; undefined when it does not exist. */
export async function readDoc<S extends z.ZodType>(
  container: Container,
  id: string,
  partitionKey: PartitionKey,
  schema: S,
): Promise<Versioned<z.output<S>> | undefined> {
  const response = await withThrottleRetry(() => container.item(id, partitionKey).read<ItemDefinition>());
  if (response.statusCode === 404 || !response.resource) return undefined;
  const etag = response.etag ?? response.resource._etag;
  if (!etag) throw new Error(`${container.id}/${id}: read returned no ETag`);
  return { doc: schema.parse(response.resource), etag };
}

/** Creates a document; 'EXISTS' when its id or a unique key is already taken (409 = already done). */
export async function createDoc(container: Container, body: ItemDefinition): Promise<'CREATED' | 'EXISTS'> {
  try {
    await withThrottleRetry(() => container.items.create(body));
    return 'CREATED';
  } catch (error) {
    if (isConflict(error)) return 'EXISTS';
    throw error;
  }
}

/** Creates or replaces a document whatever is stored (the caller's write is the whole truth). */
export async function upsertDoc(container: Container, body: ItemDefinition): Promise<void> {
  await withThrottleRetry(() => container.items.upsert(body));
}

/** Replaces a document only if it is unchanged since read; 'STALE' on an ETag mismatch (412). */
export async function replaceDoc(
  container: Container,
  partitionKey: PartitionKey,
  body: ItemDefinition & { id: string },
  etag: string,
): Promise<'REPLACED' | 'STALE'> {
  try {
    await withThrottleRetry(() =>
      container
        .item(body.id, partitionKey)
        .replace(body, { accessCondition: { type: 'IfMatch', condition: etag } }),
    );
    return 'REPLACED';
  } catch (error) {
    if (isPreconditionFailed(error)) return 'STALE';
    throw error;
  }
}

/** Runs a parameterised query to the end and validates every row. */
export async function queryAll<S extends z.ZodType>(
  container: Container,
  query: string,
  parameters: { name: string; value: string | number | boolean }[],
  schema: S,
  options: { partitionKey?: PartitionKey; maxItemCount?: number } = {},
): Promise<z.output<S>[]> {
  const iterator = container.items.query({ query, parameters }, options);
  const rows: z.output<S>[] = [];
  for await (const page of iterator.getAsyncIterator()) {
    for (const row of page.resources) rows.push(schema.parse(row));
  }
  return rows;
}
