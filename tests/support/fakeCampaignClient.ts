import { memoryRepositories } from './memory';
import type { Repositories } from '../../src/adapters/ports';
import type { PointsClient } from '../../src/adapters/points/pointsClient';
import type { NotificationPublisher } from '../../src/adapters/serviceBus/notificationPublisher';
import type { CampaignClient, InstanceStatus } from '../../src/app/campaignClient';
import { campaignInputFor, instanceIdOf } from '../../src/app/enrolments';
import type { Services } from '../../src/app/services';
import type { AppSettings } from '../../src/config';
import type { CampaignConfig, Enrolment, Notification } from '../../src/domain';
import { notifyShardOf, type MemberOperation } from '../../src/durableNames';
import {
  EMPTY_STATE,
  handleMemberOperation,
  type MemberEntityState,
  type OperationResult,
} from '../../src/entities/memberOperations';
import { updateOutboxIndex, type OutboxIndex } from '../../src/entities/outboxOperations';
import type { MemberCampaignInput, RecheckEvent } from '../../src/orchestrators/memberCampaignInput';
import { config } from './domainBuilders';

/** Durable inputs and states cross a JSON boundary; the fake makes them cross it too. */
const viaJson = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

const ACTIVE = new Set(['Running', 'Pending', 'ContinuedAsNew']);

export interface SignalRecord {
  memberId: string;
  operation: MemberOperation;
  input: unknown;
  result: OperationResult;
}

export interface EnsureRecord {
  instanceId: string;
  restartIfIdle: boolean;
  action: 'STARTED' | 'RESTARTED' | 'RUNNING' | 'FINISHED';
}

/**
 * An in-memory `CampaignClient` whose member entities are real: every signal is applied through
 * `handleMemberOperation`, the registered `member` entity's own glue over the domain's member decider
 * (after a JSON round trip, as the durable runtime does), and its outbox effects (notifications, a changed
 * projection) go to the member's shard as the entity sends them.
 * Orchestration instances are a status table the test controls.
 */
export class FakeCampaignClient implements CampaignClient {
  readonly entities = new Map<string, MemberEntityState>();
  /** The outbox index per shard (`shard-NN`), as the sharded `notificationOutbox` entities hold it. */
  readonly outboxShards = new Map<string, OutboxIndex>();
  /** Shards whose dispatch was woken, in order. */
  readonly wakes: string[] = [];
  readonly instances = new Map<string, InstanceStatus>();
  readonly ensureCalls: EnsureRecord[] = [];
  /** Orchestrations started (or restarted), with the input they were given. */
  readonly starts: { instanceId: string; input: MemberCampaignInput }[] = [];
  readonly signals: SignalRecord[] = [];
  /** `recheck` events raised at instances, in order. */
  readonly wakeUps: { instanceId: string; event: RecheckEvent }[] = [];
  /** Status queries made (the sweep's cost at scale). */
  statusCalls = 0;
  readonly outboxSignals: { operation: 'add' | 'remove'; input: { memberId: string; ids: string[] } }[] = [];
  private readonly signalFaults: Error[] = [];

  /** The next `times` member signals throw before reaching the entity (a crash or a broken connection). */
  failNextSignal(error = new Error('injected: durable client unavailable'), times = 1): void {
    for (let i = 0; i < times; i += 1) this.signalFaults.push(error);
  }

  /** Sets an instance's runtime status as the Durable Functions runtime would report it. */
  setStatus(instanceId: string, runtimeStatus: string, customStatus: unknown = null): void {
    this.instances.set(instanceId, { instanceId, runtimeStatus, customStatus });
  }

  /** The member entity's state, or undefined when no operation ever reached it. */
  state(memberId: string): MemberEntityState | undefined {
    return viaJson(this.entities.get(memberId));
  }

  /** Signals accepted for a member, optionally of one operation. */
  signalsFor(memberId: string, operation?: MemberOperation): SignalRecord[] {
    return this.signals.filter((s) => s.memberId === memberId && (!operation || s.operation === operation));
  }

  async readMember(memberId: string): Promise<MemberEntityState | undefined> {
    return this.state(memberId);
  }

  async signalMember(memberId: string, operation: MemberOperation, input: unknown): Promise<void> {
    const fault = this.signalFaults.shift();
    if (fault) throw fault;
    const before = this.entities.get(memberId) ?? EMPTY_STATE;
    const { state, result, effects } = handleMemberOperation(viaJson(before), operation, viaJson(input));
    this.entities.set(memberId, viaJson(state));
    this.signals.push({ memberId, operation, input: viaJson(input), result });
    if (effects.length > 0) this.updateShard('add', { memberId, ids: effects });
  }

  private updateShard(operation: 'add' | 'remove', input: { memberId: string; ids: string[] }): void {
    const shard = notifyShardOf(input.memberId);
    this.outboxShards.set(shard, updateOutboxIndex(this.outboxShards.get(shard) ?? {}, operation, input));
  }

  /** One shard's index; without a shard, every shard's entries together (members are in one shard each). */
  async readOutbox(shard?: string): Promise<OutboxIndex> {
    if (shard !== undefined) return viaJson(this.outboxShards.get(shard) ?? {});
    return viaJson(Object.assign({}, ...this.outboxShards.values()) as OutboxIndex);
  }

  async signalOutbox(operation: 'add' | 'remove', input: { memberId: string; ids: string[] }): Promise<void> {
    this.outboxSignals.push({ operation, input: viaJson(input) });
    this.updateShard(operation, viaJson(input));
  }

  async wakeDispatch(shards: Iterable<string>): Promise<void> {
    this.wakes.push(...new Set(shards));
  }

  async status(instanceId: string): Promise<InstanceStatus | null> {
    this.statusCalls += 1;
    return viaJson(this.instances.get(instanceId) ?? null);
  }

  /** Records the event; false when the instance does not exist, as the real client answers. */
  async wakeCampaign(
    member: { campaignId: string; memberId: string },
    event: RecheckEvent,
  ): Promise<boolean> {
    const instanceId = instanceIdOf(member);
    if (!this.instances.has(instanceId)) return false;
    this.wakeUps.push({ instanceId, event: viaJson(event) });
    return true;
  }

  /** Same decision rule as the real client: running → RUNNING; finished → FINISHED unless restartIfIdle. */
  async ensureCampaign(
    enrolment: Enrolment,
    options: { restartIfIdle?: boolean } = {},
  ): Promise<'STARTED' | 'RESTARTED' | 'RUNNING' | 'FINISHED'> {
    const instanceId = instanceIdOf(enrolment);
    const current = this.instances.get(instanceId);
    const restartIfIdle = options.restartIfIdle ?? false;
    let action: EnsureRecord['action'];
    if (current && ACTIVE.has(current.runtimeStatus)) action = 'RUNNING';
    else if (current && !restartIfIdle) action = 'FINISHED';
    else {
      this.starts.push({ instanceId, input: viaJson(campaignInputFor(enrolment)) });
      this.setStatus(instanceId, 'Running', { phase: 'WAITING_FOR_EVALUATION' });
      action = current ? 'RESTARTED' : 'STARTED';
    }
    this.ensureCalls.push({ instanceId, restartIfIdle, action });
    return action;
  }
}

/** A publisher that records what it sends and can be told to fail, like a topic sender. */
export class RecordingPublisher implements NotificationPublisher {
  readonly sent: Notification[] = [];
  private readonly faults: Error[] = [];

  failNext(error = new Error('injected: topic unavailable')): void {
    this.faults.push(error);
  }

  async publish(notifications: readonly Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    const fault = this.faults.shift();
    if (fault) throw fault;
    this.sent.push(...viaJson([...notifications]));
  }

  async close(): Promise<void> {}
}

/** Secrets the test settings carry, so tests can prove they never leak into a response. */
export const TEST_SECRETS = {
  cosmosKey: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==',
  pointsApiKey: 'points-api-key-9f8e7d6c5b4a',
  serviceBus:
    'Endpoint=sb://localhost/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE_123',
  feedStorage:
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

export function testSettings(overrides: Partial<CampaignConfig> = {}): AppSettings {
  return {
    campaign: config(overrides),
    cosmos: { endpoint: 'https://127.0.0.1:8081', database: 'loyalty', key: TEST_SECRETS.cosmosKey },
    // Port 9 (discard) on loopback: nothing listens, so a health probe fails fast without a network.
    points: { url: 'http://127.0.0.1:9', timeoutMs: 1_000, apiKey: TEST_SECRETS.pointsApiKey },
    transactionsQueue: 'card-transactions',
    notificationsTopic: 'member-progress',
    serviceBus: { connectionString: TEST_SECRETS.serviceBus },
    feed: {
      container: 'warehouse-drops',
      stagingContainer: 'feed-staging',
      chunkRows: 50_000,
      parallelism: 3,
      connectionString: TEST_SECRETS.feedStorage,
    },
  };
}

const unusedPoints: PointsClient = new Proxy({} as PointsClient, {
  get: () => () => Promise.reject(new Error('the points system is not used by this test')),
});

/** A clock the test moves by hand; `services.now` reads it. */
export class TestClock {
  constructor(private current: string) {}
  now = (): string => this.current;
  set(iso: string): void {
    this.current = new Date(iso).toISOString();
  }
  advance(ms: number): void {
    this.current = new Date(Date.parse(this.current) + ms).toISOString();
  }
}

export interface TestApp {
  services: Services;
  client: FakeCampaignClient;
  clock: TestClock;
  repos: Repositories;
  publisher: RecordingPublisher;
}

/**
 * Services for shell tests: in-memory repositories, a recording publisher, a fixed clock (default
 * 2026-11-25 09:00 Sydney) and the fake durable client.
 */
export function testApp(
  options: {
    now?: string;
    repos?: Repositories;
    campaign?: Partial<CampaignConfig>;
  } = {},
): TestApp {
  const clock = new TestClock(new Date(options.now ?? '2026-11-24T22:00:00Z').toISOString());
  const repos = options.repos ?? memoryRepositories();
  const publisher = new RecordingPublisher();
  const services: Services = {
    settings: testSettings(options.campaign),
    repos,
    points: unusedPoints,
    publisher,
    now: clock.now,
  };
  return { services, client: new FakeCampaignClient(), clock, repos, publisher };
}
