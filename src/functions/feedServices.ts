import type { DurableClient } from 'durable-functions';
import * as df from 'durable-functions';
import { MEMBER_ENTITY, type MemberOperation } from '../durableNames';
import { startOrchestration } from '../app/startOrchestration';
import { FEED_ORCHESTRATION } from '../feed/durable';
import type { MemberSignals } from '../feed/ports';
import type { OrchestrationStarter } from '../feed/trigger';

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
    start: (instanceId, input) => startOrchestration(client, FEED_ORCHESTRATION, instanceId, input),
  };
}

/**
 * Entity signals through the durable client of the current invocation; each member signalled is added to
 * `touched`, so the activity can wake those members' notification shards when it is done.
 */
export function durableSignals(client: DurableClient, touched: Set<string> = new Set()): MemberSignals {
  const member = (id: string) => new df.EntityId(MEMBER_ENTITY, id);
  return {
    applyFeedBatch: async (memberId, batch) => {
      await client.signalEntity(member(memberId), 'applyFeedBatch' satisfies MemberOperation, batch);
      touched.add(memberId);
    },
    hold: async (memberId, hold) => {
      await client.signalEntity(member(memberId), 'hold' satisfies MemberOperation, hold);
      touched.add(memberId);
    },
  };
}
