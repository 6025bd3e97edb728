import { createCosmosAdapters, type CosmosAdapters } from '../adapters/cosmos';
import type { Repositories } from '../adapters/ports';
import { createPointsClient, type PointsClient } from '../adapters/points/pointsClient';
import {
  createNotificationPublisher,
  type NotificationPublisher,
} from '../adapters/serviceBus/notificationPublisher';
import { settings, type AppSettings } from '../config';

/** Everything the shells use, built once per process and injected (tests pass their own). */
export interface Services {
  settings: AppSettings;
  repos: Repositories;
  points: PointsClient;
  publisher: NotificationPublisher;
  /** Wall-clock time for shells (never for replayed code). */
  now(): string;
}

let current: Services | undefined;
let cosmosAdapters: CosmosAdapters | undefined;

/** The process's one Cosmos client and database handle, shared by every repository (app and feed). */
export function cosmos(): CosmosAdapters {
  return (cosmosAdapters ??= createCosmosAdapters(settings().cosmos));
}

/** The process's services, created on first use from the parsed settings. */
export function services(): Services {
  if (current) return current;
  const config = settings();
  current = {
    settings: config,
    repos: cosmos().repositories,
    points: createPointsClient(config.points),
    publisher: createNotificationPublisher({ topic: config.notificationsTopic, ...config.serviceBus }),
    now: () => new Date().toISOString(),
  };
  return current;
}

/** Tests and the local runtime's harness replace the services (in-memory repositories, fixed clock). */
export function setServices(replacement: Services | undefined): void {
  current = replacement;
}
