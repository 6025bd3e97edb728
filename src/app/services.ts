import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { feedBlobStore } from '../adapters/blob/feedBlobStore';
import { createCosmosAdapters, CONTAINERS } from '../adapters/cosmos';
import { cosmosFeedRunStore } from '../adapters/cosmos/feedRunStore';
import type { Repositories } from '../adapters/ports';
import { createPointsClient, type PointsClient } from '../adapters/points/pointsClient';
import {
  createNotificationPublisher,
  type NotificationPublisher,
} from '../adapters/serviceBus/notificationPublisher';
import { createDeadLetterCounter, type DeadLetterCounter } from '../adapters/serviceBus/deadLetterCounter';
import { loadSettings, type AppSettings } from '../config';
import type { FeedDeps, FeedSettings } from '../feed/ports';

/** Everything the shells use, built once per process and injected (tests pass their own). */
export interface Services {
  settings: AppSettings;
  repos: Repositories;
  points: PointsClient;
  publisher: NotificationPublisher;
  /** The transactions queue's dead letters (the ops funnel); absent in tests that do not need it. */
  deadLetters?: DeadLetterCounter;
  /** Wall-clock time for shells (never for replayed code). */
  now(): string;
}

/** The feed's dependencies (except signals, which need the invocation) and its settings. */
export interface FeedComposition {
  base: Omit<FeedDeps, 'signals'>;
  settings: FeedSettings;
}

let current: { services: Services; feed: FeedComposition } | undefined;
let replaced: { services?: Services; feed?: FeedComposition } = {};

/**
 * The composition root: parses every setting once (a `ConfigError` names each bad one) and builds the
 * process's services over one Cosmos client. Building makes no network call (the SDK clients connect on
 * first use), so it runs when the entry point loads (`src/app/startUp.ts`): a bad setting stops the app
 * before any function is registered, on Azure and in the local runtime alike.
 */
export function composeServices(env: Record<string, string | undefined> = process.env): void {
  const settings = loadSettings(env);
  const cosmos = createCosmosAdapters(settings.cosmos);
  const services: Services = {
    settings,
    repos: cosmos.repositories,
    points: createPointsClient(settings.points),
    publisher: createNotificationPublisher({ topic: settings.notificationsTopic, ...settings.serviceBus }),
    deadLetters: createDeadLetterCounter({ queue: settings.transactionsQueue, ...settings.serviceBus }),
    now: () => new Date().toISOString(),
  };
  current = {
    services,
    feed: {
      settings: feedSettingsOf(settings),
      base: {
        runs: cosmosFeedRunStore(cosmos.database.container(CONTAINERS.feedRuns)),
        blobs: feedBlobStore(blobService(settings.feed)),
        cohort: services.repos.cohort,
        ledger: services.repos.ledger,
        quarantine: services.repos.quarantine,
        now: services.now,
      },
    },
  };
}

/** The feed's view of the settings. */
export function feedSettingsOf(settings: AppSettings): FeedSettings {
  return {
    container: settings.feed.container,
    stagingContainer: settings.feed.stagingContainer,
    chunkRows: settings.feed.chunkRows,
    parallelism: settings.feed.parallelism,
    campaignId: settings.campaign.campaignId,
    feedStartDate: settings.campaign.feedStartDate,
    maxAmountCents: settings.campaign.maxAmountCents,
  };
}

function blobService(feed: AppSettings['feed']): BlobServiceClient {
  // loadSettings guarantees one of the two
  return feed.connectionString
    ? BlobServiceClient.fromConnectionString(feed.connectionString)
    : new BlobServiceClient(feed.blobServiceUri ?? '', new DefaultAzureCredential());
}

const NOT_COMPOSED =
  'services are not composed: the entry point (src/index.ts) composes them at start-up; tests call setServices/setFeedComposition';

/** The process's services (composed at start-up, or a test's replacement). */
export function services(): Services {
  const s = replaced.services ?? current?.services;
  if (!s) throw new Error(NOT_COMPOSED);
  return s;
}

/** The feed's composition (composed at start-up, or a test's replacement). */
export function feedComposition(): FeedComposition {
  const f = replaced.feed ?? current?.feed;
  if (!f) throw new Error(NOT_COMPOSED);
  return f;
}

/** Tests replace the services (in-memory repositories, fixed clock); undefined restores the composed ones. */
export function setServices(replacement: Services | undefined): void {
  replaced = { ...replaced, services: replacement };
}

/** Tests replace the feed's composition (in-memory stores, own settings). */
export function setFeedComposition(replacement: FeedComposition | undefined): void {
  replaced = { ...replaced, feed: replacement };
}
