import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import { campaignClientOf } from '../app/durableClient';
import { services } from '../app/services';
import { handleTransaction } from './realtime/handleTransaction';

const metadataSchema = z.object({
  messageId: z.string().optional(),
  enqueuedTimeUtc: z.union([z.string(), z.date()]).transform((v) => new Date(v).toISOString()),
  deliveryCount: z.coerce.number().optional(),
});

/** Service Bus queue `card-transactions`: real-time loads and withdrawals from the card platform. */
app.serviceBusQueue('cardTransactions', {
  connection: 'ServiceBusConnection',
  queueName: '%TRANSACTIONS_QUEUE%',
  extraInputs: [df.input.durableClient()],
  handler: async (message: unknown, context: InvocationContext) => {
    const meta = metadataSchema.parse({
      messageId: context.triggerMetadata?.messageId,
      enqueuedTimeUtc: context.triggerMetadata?.enqueuedTimeUtc ?? services().now(),
      deliveryCount: context.triggerMetadata?.deliveryCount,
    });
    const outcome = await handleTransaction(message, meta, {
      services: services(),
      client: campaignClientOf(context),
    });
    context.log(`REALTIME ${outcome} messageId=${meta.messageId ?? '-'} delivery=${meta.deliveryCount ?? 1}`);
  },
});
