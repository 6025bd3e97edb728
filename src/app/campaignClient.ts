import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import type { Enrolment, MemberEntityState } from '../domain';
import {
  MEMBER_ENTITY,
  notifyDispatchInstanceId,
  notifyShardOf,
  OUTBOX_ENTITY,
  RECHECK_EVENT,
  type MemberOperation,
} from '../durableNames';
import {
  OUTBOX_CONTRACTS,
  type OutboxChange,
  type OutboxChangeOperation,
  type OutboxIndex,
} from '../entities/outboxOperations';
import { CAMPAIGN_CONTRACTS } from '../orchestrators/memberCampaignContracts';
import type { RecheckEvent } from '../orchestrators/memberCampaignInput';
import { NOTIFY_DISPATCH_CONTRACT } from '../orchestrators/notifyDispatch';
import { campaignInputFor, instanceIdOf } from './enrolments';
import { startOrchestration } from './startOrchestration';

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
  /** One shard's index (`shard-NN`). */
  readOutbox(shard: string): Promise<OutboxIndex>;
  /** Signals the member's shard of the index. */
  signalOutbox(operation: OutboxChangeOperation, input: OutboxChange): Promise<void>;
  /**
   * Starts the `notifyDispatch` orchestration of each given shard unless it is running (a running one
   * drains until it finds its shard empty, so it also picks up what this caller queued).
   */
  wakeDispatch(shards: Iterable<string>): Promise<void>;
  status(instanceId: string): Promise<InstanceStatus | null>;
  /**
   * Raises `recheck` at the member's campaign instance, so a v2 instance waiting for its decision asks
   * again now (docs/flows.md § 4). False when there is no instance; a finished one ignores it.
   */
  wakeCampaign(member: { campaignId: string; memberId: string }, event: RecheckEvent): Promise<boolean>;
  /** Starts the member's instance unless it exists; with `restartIfIdle`, also restarts a finished one. */
  ensureCampaign(
    enrolment: Enrolment,
    options?: { restartIfIdle?: boolean },
  ): Promise<'STARTED' | 'RESTARTED' | 'RUNNING' | 'FINISHED'>;
}

const ACTIVE = new Set(['Running', 'Pending', 'ContinuedAsNew']);

/** Running, or about to: starting another would race it. */
export function isActive(runtimeStatus: string): boolean {
  return ACTIVE.has(runtimeStatus);
}

const WAITING_PHASES = new Set(['WAITING_FOR_SETTLEMENT', 'HELD_FOR_REVIEW']);

/** A member campaign's custom status says its decision waits (a `recheck` makes it ask again). */
export function isWaitingPhase(customStatus: unknown): boolean {
  const phase = (customStatus as { phase?: unknown } | null)?.phase;
  return typeof phase === 'string' && WAITING_PHASES.has(phase);
}

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
    async readOutbox(shard) {
      const response = await client.readEntityState<unknown>(new df.EntityId(OUTBOX_ENTITY, shard));
      return response.entityExists && response.entityState
        ? OUTBOX_CONTRACTS.get.output.parse(response.entityState)
        : {};
    },
    async signalOutbox(operation, input) {
      const c = OUTBOX_CONTRACTS[operation];
      const shard = notifyShardOf(input.memberId);
      await client.signalEntity(new df.EntityId(OUTBOX_ENTITY, shard), c.name, c.input.parse(input));
    },
    async wakeDispatch(shards) {
      for (const shard of new Set(shards)) {
        const instanceId = notifyDispatchInstanceId(shard);
        const current = await status(instanceId);
        if (current && ACTIVE.has(current.runtimeStatus)) continue;
        try {
          await startOrchestration(client, NOTIFY_DISPATCH_CONTRACT, instanceId, { shard });
        } catch (error) {
          // Two wakes can race; the loser finds the winner's instance running, which is all it wanted.
          const after = await status(instanceId);
          if (!after || !ACTIVE.has(after.runtimeStatus)) throw error;
        }
      }
    },
    status,
    async wakeCampaign(member, event) {
      try {
        await client.raiseEvent(instanceIdOf(member), RECHECK_EVENT, event);
        return true;
      } catch (error) {
        // durable-functions 3 rejects the extension's 404 (a 410 for a finished instance resolves)
        if (/No instance with ID|404/.test(String(error))) return false;
        throw error;
      }
    },
    async ensureCampaign(enrolment, options = {}) {
      const instanceId = instanceIdOf(enrolment);
      const current = await status(instanceId);
      if (current && ACTIVE.has(current.runtimeStatus)) return 'RUNNING';
      if (current && !options.restartIfIdle) return 'FINISHED';
      try {
        await startOrchestration(client, CAMPAIGN_CONTRACTS.v2, instanceId, campaignInputFor(enrolment));
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
