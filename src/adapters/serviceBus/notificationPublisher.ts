import { ServiceBusClient } from '@azure/service-bus';
import { DefaultAzureCredential } from '@azure/identity';
import type { Notification } from '../../domain';

/** Publishes member progress events for the app's push service. */
export interface NotificationPublisher {
  publish(notifications: readonly Notification[]): Promise<void>;
  close(): Promise<void>;
}

export interface PublisherSettings {
  topic: string;
  connectionString?: string;
  fullyQualifiedNamespace?: string;
}

/**
 * Sends to topic `member-progress` with `messageId` = the notification id, so a retried publish is
 * dropped by the topic's duplicate detection.
 */
export function createNotificationPublisher(settings: PublisherSettings): NotificationPublisher {
  const client = settings.connectionString
    ? new ServiceBusClient(settings.connectionString)
    : new ServiceBusClient(settings.fullyQualifiedNamespace ?? '', new DefaultAzureCredential());
  const sender = client.createSender(settings.topic);
  return {
    async publish(notifications) {
      if (notifications.length === 0) return;
      await sender.sendMessages(
        notifications.map((n) => ({
          messageId: n.id,
          subject: n.kind,
          contentType: 'application/json',
          body: { memberId: n.memberId, campaignId: n.campaignId, kind: n.kind, at: n.at },
        })),
      );
    },
    async close() {
      await sender.close();
      await client.close();
    },
  };
}
