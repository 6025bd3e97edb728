import type { ContainerDefinition, CosmosClient, Database } from '@azure/cosmos';

/** Container names, defined once (docs/contracts.md § Cosmos DB). */
export const CONTAINERS = {
  members: 'members',
  ledger: 'ledger',
  rewards: 'rewards',
  feedRuns: 'feedRuns',
  quarantine: 'quarantine',
  transactionClaims: 'transactionClaims',
  ignoredMessages: 'ignoredMessages',
  memberStates: 'memberStates',
} as const;

/** An ascending composite index, for a keyset-paged ORDER BY over two fields. */
const composite = (...paths: string[]) => ({
  compositeIndexes: [paths.map((path) => ({ path, order: 'ascending' as const }))],
});

/** Partition keys, unique keys and the composite indexes queries need: Bicep declares the same (infra/bicep). */
export const CONTAINER_DEFINITIONS: readonly ContainerDefinition[] = [
  {
    id: CONTAINERS.members,
    partitionKey: { paths: ['/memberId'] },
    uniqueKeyPolicy: { uniqueKeys: [{ paths: ['/campaignId'] }] },
    indexingPolicy: {
      compositeIndexes: composite('/window/evaluationAt', '/memberId').compositeIndexes,
    },
  },
  { id: CONTAINERS.ledger, partitionKey: { paths: ['/memberId'] } },
  {
    id: CONTAINERS.rewards,
    partitionKey: { paths: ['/memberId'] },
    uniqueKeyPolicy: { uniqueKeys: [{ paths: ['/campaignId'] }] },
    indexingPolicy: composite('/decidedAt', '/memberId'),
  },
  { id: CONTAINERS.feedRuns, partitionKey: { paths: ['/businessDate'] } },
  { id: CONTAINERS.quarantine, partitionKey: { paths: ['/source'] } },
  { id: CONTAINERS.transactionClaims, partitionKey: { paths: ['/id'] } },
  { id: CONTAINERS.ignoredMessages, partitionKey: { paths: ['/day'] } },
  { id: CONTAINERS.memberStates, partitionKey: { paths: ['/memberId'] } },
];

/**
 * Creates the database and every container when missing (local runtime and tests; in Azure, Bicep owns
 * them). Idempotent. Unique key policies cannot be added to an existing container, so they are set here.
 */
export async function ensureContainers(client: CosmosClient, databaseId: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  for (const definition of CONTAINER_DEFINITIONS) await database.containers.createIfNotExists(definition);
  return database;
}
