import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import type { CampaignClient } from '../app/campaignClient';
import { campaignClientOf } from '../app/durableClient';
import { services, type Services } from '../app/services';

const MEMBERS_PER_RUN = 200;

/**
 * Publishes the notifications members' entities queued (TARGET_REACHED, REWARD_ISSUED) to topic
 * `member-progress`, then removes exactly those ids. A crash after publishing re-publishes on the next
 * run with the same message ids, which the topic's duplicate detection drops.
 */
export async function dispatchNotifications(
  deps: { services: Services; client: CampaignClient },
  log: (line: string) => void = () => undefined,
): Promise<number> {
  const index = await deps.client.readOutbox();
  let published = 0;
  for (const [memberId, ids] of Object.entries(index).slice(0, MEMBERS_PER_RUN)) {
    try {
      const state = await deps.client.readMember(memberId);
      const wanted = new Set(ids);
      const due = (state?.ledger?.outbox ?? []).filter((n) => wanted.has(n.id));
      await deps.services.publisher.publish(due);
      published += due.length;
      if (due.length > 0)
        await deps.client.signalMember(memberId, 'ackOutbox', { ids: due.map((n) => n.id) });
      await deps.client.signalOutbox('remove', { memberId, ids });
    } catch (error) {
      // One member's failure must not hold back the others; its ids stay queued for the next run.
      log(`NOTIFY_FAILED memberId=${memberId} ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return published;
}

app.timer('notifyDispatcher', {
  schedule: '%NOTIFY_SCHEDULE%',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: Timer, context: InvocationContext) => {
    const published = await dispatchNotifications({
      services: services(),
      client: campaignClientOf(context),
    });
    if (published > 0) context.log(`NOTIFY published=${published}`);
  },
});
