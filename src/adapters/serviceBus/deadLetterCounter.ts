import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusAdministrationClient } from '@azure/service-bus';

/** The transactions queue's dead letters, as the ops funnel shows them. */
export interface DeadLetterCounter {
  /** `count` is null when the namespace refused or failed to answer (the funnel still answers). */
  count(): Promise<{ queue: string; count: number | null }>;
}

export interface DeadLetterSettings {
  queue: string;
  connectionString?: string;
  fullyQualifiedNamespace?: string;
}

/**
 * Reads the queue's `deadLetterMessageCount` with the administration client: in Azure through the app's
 * managed identity, which holds Azure Service Bus Data Owner on the `card-transactions` queue (the scale
 * controller needs it, infra/bicep/modules/access.bicep); locally the host's queue store answers.
 */
export function createDeadLetterCounter(settings: DeadLetterSettings): DeadLetterCounter {
  const admin = settings.connectionString
    ? new ServiceBusAdministrationClient(settings.connectionString)
    : new ServiceBusAdministrationClient(
        settings.fullyQualifiedNamespace ?? '',
        new DefaultAzureCredential(),
      );
  return {
    async count() {
      try {
        const properties = await admin.getQueueRuntimeProperties(settings.queue);
        return { queue: settings.queue, count: properties.deadLetterMessageCount };
      } catch {
        return { queue: settings.queue, count: null };
      }
    },
  };
}
