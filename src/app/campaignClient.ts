import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import type { Enrolment } from '../domain';
import {
  MEMBER_CAMPAIGN_ORCHESTRATOR,
  MEMBER_ENTITY,
  OUTBOX_ENTITY,
  OUTBOX_KEY,
  type MemberOperation,
} from '../durableNames';
import type { MemberEntityState } from '../entities/memberOperations';
import type { OutboxIndex } from '../entities/notificationOutbox';
import { campaignInputFor, instanceIdOf } from './enrolments';

export interface InstanceStatus {
  instanceId: string;
  runtimeStatus: string;
  customStatus: unknown;
  createdTime?: string;
  lastUpdatedTime?: string;
}

/** What the shells need of the durable client, small enough to fake in tests. */
export interface CampaignClient {
  readMember(memberId: string): Promise<MemberEntityState | undefined>;
  signalMember(memberId: string, operation: MemberOperation, input: unknown): Promise<void>;
  readOutbox(): Promise<OutboxIndex>;
  signalOutbox(operation: 'add' | 'remove', input: { memberId: string; ids: string[] }): Promise<void>;
  status(instanceId: string): Promise<InstanceStatus | null>;
  /** Starts the member's instance unless it exists; with `restartIfIdle`, also restarts a finished one. */
  ensureCampaign(
    enrolment: Enrolment,
    options?: { restartIfIdle?: boolean },
  ): Promise<'STARTED' | 'RESTARTED' | 'RUNNING' | 'FINISHED'>;
}

const ACTIVE = new Set(['Running', 'Pending', 'ContinuedAsNew']);

export function campaignClient(client: DurableClient): CampaignClient {
  const memberId = (id: string) => new df.EntityId(MEMBER_ENTITY, id);
  const status = async (instanceId: string): Promise<InstanceStatus | null> => {
    try {
      const s = await client.getStatus(instanceId, { showInput: false });
      if (!s?.runtimeStatus) return null;
      return {
        instanceId,
        runtimeStatus: String(s.runtimeStatus),
        customStatus: s.customStatus ?? null,
        createdTime: new Date(s.createdTime).toISOString(),
        lastUpdatedTime: new Date(s.lastUpdatedTime).toISOString(),
      };
    } catch (error) {
      if (/404/.test(String(error))) return null;
      throw error;
    }
  };
  return {
    async readMember(id) {
      const response = await client.readEntityState<MemberEntityState>(memberId(id));
      return response.entityExists ? response.entityState : undefined;
    },
    async signalMember(id, operation, input) {
      await client.signalEntity(memberId(id), operation, input);
    },
    async readOutbox() {
      const response = await client.readEntityState<OutboxIndex>(new df.EntityId(OUTBOX_ENTITY, OUTBOX_KEY));
      return response.entityExists && response.entityState ? response.entityState : {};
    },
    async signalOutbox(operation, input) {
      await client.signalEntity(new df.EntityId(OUTBOX_ENTITY, OUTBOX_KEY), operation, input);
    },
    status,
    async ensureCampaign(enrolment, options = {}) {
      const instanceId = instanceIdOf(enrolment);
      const current = await status(instanceId);
      if (current && ACTIVE.has(current.runtimeStatus)) return 'RUNNING';
      if (current && !options.restartIfIdle) return 'FINISHED';
      try {
        await client.startNew(MEMBER_CAMPAIGN_ORCHESTRATOR, {
          instanceId,
          input: campaignInputFor(enrolment),
        });
      } catch (error) {
        // Two starts can race; the loser finds the winner's instance.
        const after = await status(instanceId);
        if (after && ACTIVE.has(after.runtimeStatus)) return 'RUNNING';
        throw error;
      }
      return current ? 'RESTARTED' : 'STARTED';
    },
  };
}
