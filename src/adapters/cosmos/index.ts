import type { CosmosClient, Database } from '@azure/cosmos';
import type { Repositories } from '../ports';
import { createCosmosClient, type CosmosSettings } from './client';
import { CONTAINERS, ensureContainers } from './containers';
import { cosmosCohortRepository, cosmosCohortWriter } from './cohortSnapshot';
import { cosmosIgnoredMessageCounter } from './ignoredMessageCounter';
import { cosmosLedgerRepository } from './ledgerRepository';
import { cosmosMemberRepository } from './memberRepository';
import { cosmosMemberStateRepository } from './memberStateRepository';
import { cosmosQuarantineRepository } from './quarantineRepository';
import { cosmosRewardRepository } from './rewardRepository';

export { createCosmosClient, type CosmosSettings } from './client';
export { CONTAINERS, CONTAINER_DEFINITIONS, ensureContainers } from './containers';
export { cosmosHealth, type DependencyHealth } from './health';

/** The Cosmos-backed repositories over one database handle (no I/O until used). */
export function cosmosRepositories(database: Database): Repositories {
  const container = (id: string) => database.container(id);
  const cohortWriter = cosmosCohortWriter(container(CONTAINERS.members));
  return {
    members: cosmosMemberRepository(container(CONTAINERS.members), cohortWriter),
    cohort: cosmosCohortRepository(container(CONTAINERS.members), cohortWriter),
    ledger: cosmosLedgerRepository(container(CONTAINERS.ledger), container(CONTAINERS.transactionClaims)),
    rewards: cosmosRewardRepository(container(CONTAINERS.rewards)),
    quarantine: cosmosQuarantineRepository(container(CONTAINERS.quarantine)),
    ignored: cosmosIgnoredMessageCounter(container(CONTAINERS.ignoredMessages)),
    memberStates: cosmosMemberStateRepository(container(CONTAINERS.memberStates)),
  };
}

export interface CosmosAdapters {
  client: CosmosClient;
  database: Database;
  repositories: Repositories;
  /** Creates the database and containers if missing (local runtime, tests). */
  ensureContainers(): Promise<void>;
}

/** The composition root's one call: one client per process, repositories over it. */
export function createCosmosAdapters(settings: CosmosSettings): CosmosAdapters {
  const client = createCosmosClient(settings);
  const database = client.database(settings.database);
  return {
    client,
    database,
    repositories: cosmosRepositories(database),
    ensureContainers: async () => {
      await ensureContainers(client, settings.database);
    },
  };
}
