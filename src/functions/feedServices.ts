import { BlobServiceClient } from '@azure/storage-blob';
import { DefaultAzureCredential } from '@azure/identity';
import type { DurableClient } from 'durable-functions';
import * as df from 'durable-functions';
import { CONTAINERS } from '../adapters/cosmos/containers';
import { cosmos, services } from '../app/services';
import type { AppSettings } from '../config';
import { blobFeedStore } from '../feed/blob';
import { cosmosFeedRunStore } from '../feed/cosmosFeedRuns';
import { APPLY_FEED_BATCH_OPERATION, HOLD_OPERATION, MEMBER_ENTITY } from '../feed/names';
import type { FeedDeps, MemberSignals } from '../feed/ports';
import type { FeedSettings } from '../feed/settings';
import type { OrchestrationStarter } from '../feed/trigger';
import { feedSettingsSchema } from '../feed/settings';

type FeedBase = Omit<FeedDeps, 'signals'>;

/** The feed's dependencies (except signals, which need the invocation) and its settings. */
export interface FeedComposition {
  base: FeedBase;
  settings: FeedSettings;
}
let current: FeedComposition | undefined;

/**
 * The feed's settings: the contract's names from the shared configuration plus the feed-only ones
 * (FEED_STAGING_CONTAINER, FEED_PARALLELISM) with their defaults.
 */
export function feedSettings(app: AppSettings): FeedSettings {
  const extra = feedSettingsSchema
    .pick({ FEED_STAGING_CONTAINER: true, FEED_PARALLELISM: true })
    .parse(process.env);
  return {
    container: app.feed.container,
    stagingContainer: extra.FEED_STAGING_CONTAINER,
    chunkRows: app.feed.chunkRows,
    parallelism: extra.FEED_PARALLELISM,
    campaignId: app.campaign.campaignId,
    feedStartDate: app.campaign.feedStartDate,
    maxAmountCents: app.campaign.maxAmountCents,
  };
}

function blobService(app: AppSettings): BlobServiceClient {
  if (app.feed.connectionString) return BlobServiceClient.fromConnectionString(app.feed.connectionString);
  if (app.feed.blobServiceUri)
    return new BlobServiceClient(app.feed.blobServiceUri, new DefaultAzureCredential());
  throw new Error('FeedStorage: set FeedStorage (connection string) or FeedStorage__blobServiceUri');
}

/**
 * The feed's composition, built once per process over the shared services and Cosmos client.
 */
export function feedComposition(): FeedComposition {
  if (current) return current;
  const svc = services();
  const { database } = cosmos();
  current = {
    settings: feedSettings(svc.settings),
    base: {
      runs: cosmosFeedRunStore(database.container(CONTAINERS.feedRuns)),
      blobs: blobFeedStore(blobService(svc.settings)),
      cohort: svc.repos.members,
      ledger: svc.repos.ledger,
      quarantine: svc.repos.quarantine,
      now: svc.now,
    },
  };
  return current;
}

/** Tests and the local runtime replace the feed's composition (in-memory stores, own settings). */
export function setFeedComposition(replacement: FeedComposition | undefined): void {
  current = replacement;
}

/** Starts feed orchestrations through a durable client; an unknown instance has no status. */
export function durableStarter(client: DurableClient): OrchestrationStarter {
  return {
    async statusOf(instanceId) {
      try {
        return (await client.getStatus(instanceId)).runtimeStatus;
      } catch (error) {
        // durable-functions 3 throws on the extension's 404: the instance does not exist.
        if (error instanceof Error && error.message.includes('404')) return undefined;
        throw error;
      }
    },
    async start(name, instanceId, input) {
      await client.startNew(name, { instanceId, input });
    },
  };
}

/** Entity signals through the durable client of the current invocation. */
export function durableSignals(client: DurableClient): MemberSignals {
  const member = (id: string) => new df.EntityId(MEMBER_ENTITY, id);
  return {
    applyFeedBatch: (memberId, batch) =>
      client.signalEntity(member(memberId), APPLY_FEED_BATCH_OPERATION, batch),
    hold: (memberId, hold) => client.signalEntity(member(memberId), HOLD_OPERATION, hold),
  };
}
