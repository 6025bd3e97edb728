import * as df from 'durable-functions';
import '../../src/entities/member';
import '../../src/entities/notificationOutbox';
import '../../src/orchestrators/memberCampaign';
import '../../src/orchestrators/memberCampaignV2';
import { durableHarness, type Harness } from '../../local/durable/testing/harness';
import { EventType } from '../../local/durable/wire';
import { campaignInputFor, instanceIdOf } from '../../src/app/enrolments';
import type { Enrolment, Observation } from '../../src/domain';
import {
  ACTIVITIES,
  MEMBER_CAMPAIGN_ORCHESTRATOR,
  MEMBER_ENTITY,
  RECHECK_EVENT,
} from '../../src/durableNames';
import type { RecheckEvent } from '../../src/orchestrators/memberCampaignInput';
import type { MemberEntityState } from '../../src/entities/memberOperations';

/**
 * One member's `memberCampaign` on the local durable engine (the one orchestration test driver): the
 * real orchestrator and member entity through durable-functions' own replay code, with the activities
 * answered by the test. Importing this module registers them in the test file's registry.
 */
export type ActivityStub = (input: unknown) => unknown;

export interface ActivityCall {
  name: string;
  input: unknown;
  failed: boolean;
}

let stubs: Partial<Record<string, ActivityStub>> = {};
let calls: ActivityCall[] = [];

for (const name of Object.values(ACTIVITIES)) {
  df.app.activity(name, {
    handler: async (input: unknown) => {
      const stub = stubs[name];
      if (!stub) throw new Error(`unexpected activity ${name}`);
      try {
        const result = await stub(input);
        calls.push({ name, input, failed: false });
        return result;
      } catch (error) {
        calls.push({ name, input, failed: true });
        throw error;
      }
    },
  });
}

export interface CampaignRun {
  durable: Harness;
  instanceId: string;
  activities: ActivityCall[];
  /** Orchestrator episodes the engine ran for the instance. */
  episodes(): number;
  /** When each durable timer fired (sub-timers of a long timer included), in order. */
  timersFired(): Date[];
  status(): Promise<df.DurableOrchestrationStatus>;
  /** Raises `recheck` at the instance (as a feed run, a correction, a re-drive or the sweep does) and waits until idle. */
  recheck(event: Omit<RecheckEvent, 'at'>): Promise<void>;
  /** Signals the member entity (as the feed and the HTTP shells do) and waits until idle. */
  signal(operation: string, input: unknown): Promise<void>;
  entity(): Promise<MemberEntityState | undefined>;
  /** Moves virtual time to `atMs`, firing every timer due on the way, and waits until the engine is idle. */
  advanceTo(atMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Enrols the member (and applies `observations` on the entity) at `enrolment.enrolledAt`, then starts
 * the campaign orchestration. `activities` answers each activity call; unanswered ones fail the test.
 */
export async function startCampaign(
  enrolment: Enrolment,
  options: {
    observations?: Observation[];
    activities: Partial<Record<string, ActivityStub>>;
    /** The orchestrator version to start (default: the one new instances start under). */
    orchestrator?: string;
  },
): Promise<CampaignRun> {
  stubs = options.activities;
  calls = [];
  const startMs = Date.parse(enrolment.window.enrolledAt);
  const durable = await durableHarness({ startMs });
  const { client, engine, clock } = durable;
  const entityId = new df.EntityId(MEMBER_ENTITY, enrolment.memberId);
  const at = new Date(startMs).toISOString();
  await client.signalEntity(entityId, 'enrol', { enrolment, at });
  if (options.observations)
    await client.signalEntity(entityId, 'applyRealtime', { observations: options.observations, at });
  await engine.whenIdle();
  const instanceId = instanceIdOf(enrolment);
  await client.startNew(options.orchestrator ?? MEMBER_CAMPAIGN_ORCHESTRATOR, {
    instanceId,
    input: campaignInputFor(enrolment),
  });
  await engine.whenIdle();
  const activities = calls;
  return {
    durable,
    instanceId,
    activities,
    episodes: () => engine.stats().byInstance[instanceId]?.episodes ?? 0,
    timersFired: () =>
      (engine.instance(instanceId)?.history ?? [])
        .filter((e) => e.EventType === EventType.TimerFired)
        .map((e) => new Date(String((e as { FireAt?: unknown }).FireAt))),
    status: () => client.getStatus(instanceId),
    recheck: async (event) => {
      await client.raiseEvent(instanceId, RECHECK_EVENT, {
        ...event,
        at: new Date(clock.now()).toISOString(),
      });
      await engine.whenIdle();
    },
    signal: async (operation, input) => {
      await client.signalEntity(entityId, operation, input);
      await engine.whenIdle();
    },
    entity: async () => (await client.readEntityState<MemberEntityState>(entityId)).entityState,
    advanceTo: async (atMs) => {
      await clock.advanceTo(atMs);
      await engine.whenIdle();
    },
    close: () => durable.close(),
  };
}
