import type { OrchestrationContext, RetryOptions, Task } from 'durable-functions';
import { campaignInputFor } from '../../src/app/enrolments';
import { startOrchestration } from '../../src/app/startOrchestration';
import { decideMember, EMPTY_STATE, type MemberCommand } from '../../src/domain';
import * as names from '../../src/durableNames';
import { ACTIVITIES, MEMBER_OPERATIONS } from '../../src/durableNames';
import { OUTBOX_CONTRACTS, updateOutboxIndex } from '../../src/entities/outboxOperations';
import { FEED_CONTRACTS, FEED_ORCHESTRATION } from '../../src/feed/durable';
import { callActivities, orchestrator } from '../../src/orchestrators/durableCalls';
import { NOTIFY_DISPATCH_CONTRACT, NOTIFY_DRAIN_CONTRACT } from '../../src/orchestrators/notifyDispatch';
import {
  ACTIVITY_CONTRACTS,
  CAMPAIGN_CONTRACTS,
  MEMBER_CONTRACTS,
} from '../../src/orchestrators/memberCampaignContracts';
import { fed, ledgerFor, obs } from '../support/domainBuilders';

// Issue 10.2: each durable function the member orchestration calls has one contract (name, input schema,
// output schema). The orchestration parses every result with it, the activities every input.

const enrolment = ledgerFor().enrolment;
const load = obs({
  id: 'T-1',
  cents: 100_000,
  initiatedAt: '2026-12-01T00:00:00.000Z',
  knownOn: '2026-12-01',
});

describe('member campaign contracts', () => {
  it('name every activity and entity operation by its durable name', () => {
    expect(Object.fromEntries(Object.entries(ACTIVITY_CONTRACTS).map(([k, c]) => [k, c.name]))).toEqual(
      ACTIVITIES,
    );
    for (const c of Object.values(MEMBER_CONTRACTS)) expect(MEMBER_OPERATIONS).toContain(c.name);
  });

  it('the decide result the decider returns (after JSON) parses unchanged; a malformed one is refused', () => {
    const commands: MemberCommand[] = [
      { op: 'enrol', enrolment, at: enrolment.enrolledAt },
      { op: 'applyRealtime', observations: [load], at: '2026-12-01T00:00:00.000Z' },
      {
        op: 'applyFeedBatch',
        businessDate: '2026-12-02',
        version: 1,
        observations: [fed(load, '2026-12-02')],
        at: '2026-12-03T00:00:00.000Z',
      },
    ];
    const state = commands.reduce((s, c) => decideMember(s, c).state, EMPTY_STATE);
    for (const watermark of [null, enrolment.window.lastGraceDate]) {
      const { result } = decideMember(state, { op: 'decide', now: enrolment.window.evaluationAt, watermark });
      const wire: unknown = JSON.parse(JSON.stringify(result));
      expect(MEMBER_CONTRACTS.decide.output.parse(wire)).toEqual(wire);
    }
    const notEnrolled = JSON.parse(
      JSON.stringify(
        decideMember(EMPTY_STATE, { op: 'decide', now: enrolment.window.evaluationAt, watermark: null })
          .result,
      ),
    );
    expect(MEMBER_CONTRACTS.decide.output.parse(notEnrolled)).toMatchObject({
      ok: false,
      code: 'MEMBER.NOT_ENROLLED',
    });
    expect(MEMBER_CONTRACTS.decide.output.safeParse({ ok: true, value: { kind: 'MAYBE' } }).success).toBe(
      false,
    );
  });

  it('activity inputs and results are checked: a decision without cents, an unknown points answer', () => {
    const decision = {
      outcome: 'QUALIFIED',
      decidedAt: '2026-12-31T00:00:00.000Z',
      confirmedCents: 100_000,
      watermark: '2026-12-30',
    };
    const record = { memberId: 'M-1', campaignId: 'c', decision, points: 2000 };
    expect(ACTIVITY_CONTRACTS.recordDecision.input.parse(record)).toEqual(record);
    const { confirmedCents: _dropped, ...noCents } = decision;
    expect(ACTIVITY_CONTRACTS.recordDecision.input.safeParse({ ...record, decision: noCents }).success).toBe(
      false,
    );
    expect(ACTIVITY_CONTRACTS.issuePoints.output.parse({ kind: 'REPLAYED', creditId: 'C-1' })).toEqual({
      kind: 'REPLAYED',
      creditId: 'C-1',
    });
    expect(ACTIVITY_CONTRACTS.issuePoints.output.safeParse({ kind: 'MAYBE' }).success).toBe(false);
    expect(ACTIVITY_CONTRACTS.readWatermark.output.safeParse({ watermark: '30/12/2026' }).success).toBe(
      false,
    );
    expect(
      ACTIVITY_CONTRACTS.raiseAlert.input.safeParse({ kind: 'OTHER', memberId: 'M-1', detail: '' }).success,
    ).toBe(false);
  });
});

describe('feed and notification contracts', () => {
  it('name the registered activities', () => {
    expect(Object.values(FEED_CONTRACTS).map((c) => c.name)).toEqual([
      names.FEED_VERIFY_ACTIVITY,
      names.FEED_APPLY_CHUNK_ACTIVITY,
      names.FEED_COMPLETE_ACTIVITY,
      names.FEED_STOP_ACTIVITY,
      names.FEED_GET_WATERMARK_ACTIVITY,
    ]);
    expect(NOTIFY_DRAIN_CONTRACT.name).toBe(names.NOTIFY_DRAIN_ACTIVITY);
  });

  it('refuse a malformed result: a chunk result of unknown kind, a drain report without counts', () => {
    expect(FEED_CONTRACTS.applyChunk.output.safeParse({ kind: 'DONE', index: 0 }).success).toBe(false);
    expect(NOTIFY_DRAIN_CONTRACT.output.safeParse({ shard: 'shard-00' }).success).toBe(false);
    expect(NOTIFY_DRAIN_CONTRACT.input.safeParse({ shard: 'shard-1' }).success).toBe(false);
  });
});

describe('orchestrator and outbox contracts', () => {
  it('name the registered orchestrators and outbox operations', () => {
    expect(CAMPAIGN_CONTRACTS.v1.name).toBe(names.MEMBER_CAMPAIGN_V1_ORCHESTRATOR);
    expect(CAMPAIGN_CONTRACTS.v2.name).toBe(names.MEMBER_CAMPAIGN_ORCHESTRATOR);
    expect(FEED_ORCHESTRATION.name).toBe(names.FEED_ORCHESTRATOR);
    expect(NOTIFY_DISPATCH_CONTRACT.name).toBe(names.NOTIFY_DISPATCH_ORCHESTRATOR);
    expect(Object.values(OUTBOX_CONTRACTS).map((c) => c.name)).toEqual(['add', 'remove', 'get']);
  });

  it('the campaign input a client builds parses; one without its enrolment is refused; outcomes are named', () => {
    const input = JSON.parse(JSON.stringify(campaignInputFor(enrolment)));
    expect(CAMPAIGN_CONTRACTS.v2.input.parse(input)).toEqual({ ...input, alerted: false });
    const { enrolment: _dropped, ...bare } = input;
    expect(CAMPAIGN_CONTRACTS.v2.input.safeParse(bare).success).toBe(false);
    for (const outcome of ['NOT_REACHED', 'ISSUED', 'NEEDS_REVIEW', 'REWARD_RETRY_PENDING', 'NOT_ENROLLED'])
      expect(CAMPAIGN_CONTRACTS.v1.output.safeParse({ outcome }).success).toBe(true);
    expect(CAMPAIGN_CONTRACTS.v2.output.safeParse(undefined).success).toBe(true);
    expect(CAMPAIGN_CONTRACTS.v2.output.safeParse({ outcome: 'DONE' }).success).toBe(false);
    expect(NOTIFY_DISPATCH_CONTRACT.output.safeParse({ passes: 0, published: 0 }).success).toBe(false);
    expect(FEED_ORCHESTRATION.output.safeParse({ kind: 'VERIFIED', runId: 'r' }).success).toBe(false);
  });

  it('the outbox applies only the changes its contract accepts, and a shard read is checked', () => {
    const index = updateOutboxIndex({}, 'add', { memberId: 'M-1', ids: ['a', 'b'] });
    expect(index).toEqual({ 'M-1': ['a', 'b'] });
    expect(updateOutboxIndex(index, 'add', { memberId: 'M-1', ids: [''] })).toBe(index);
    expect(updateOutboxIndex(index, 'add', { memberId: 'M-1' })).toBe(index);
    expect(updateOutboxIndex(index, 'clear', { memberId: 'M-1', ids: ['a'] })).toBe(index);
    expect(updateOutboxIndex(index, 'remove', { memberId: 'M-1', ids: ['a', 'b'] })).toEqual({});
    expect(OUTBOX_CONTRACTS.get.output.parse(index)).toEqual(index);
    expect(OUTBOX_CONTRACTS.get.output.safeParse({ 'M-1': 'a' }).success).toBe(false);
  });
});

describe('the typed durable helpers', () => {
  const context = (input: unknown) =>
    ({
      df: {
        getInput: () => input,
        callActivityWithRetry: (name: string, _retry: RetryOptions, payload: unknown) => ({ name, payload }),
        Task: { all: (tasks: unknown[]) => ({ all: tasks }) },
      },
    }) as unknown as OrchestrationContext;
  const retry = {} as RetryOptions;

  it('orchestrator() parses the input before the body runs and passes its yields and result through', () => {
    const handler = orchestrator(NOTIFY_DISPATCH_CONTRACT, function* (_context, input) {
      const answer: unknown = yield { step: input.shard } as unknown as Task;
      return { passes: 1, published: Number(answer) };
    });
    const run = handler(context({ shard: 'shard-03' }));
    expect(run.next()).toEqual({ done: false, value: { step: 'shard-03' } });
    expect(run.next(7)).toEqual({ done: true, value: { passes: 1, published: 7 } });
    expect(() => handler(context({ shard: 'three' })).next()).toThrow(/shard/);
  });

  it('callActivities() yields one Task.all of the calls and parses every result', () => {
    const jobs = [{ shard: 'shard-00' }, { shard: 'shard-01' }];
    const batch = callActivities(context(undefined), NOTIFY_DRAIN_CONTRACT, jobs, retry);
    expect(batch.next().value).toEqual({
      all: jobs.map((payload) => ({ name: names.NOTIFY_DRAIN_ACTIVITY, payload })),
    });
    const report = (shard: string) => ({ shard, members: 1, published: 1, failed: 0 });
    expect(batch.next([report('shard-00'), report('shard-01')])).toEqual({
      done: true,
      value: [report('shard-00'), report('shard-01')],
    });
    const bad = callActivities(context(undefined), NOTIFY_DRAIN_CONTRACT, jobs, retry);
    bad.next();
    expect(() => bad.next([report('shard-00'), { shard: 'shard-01' }])).toThrow(/members/);
  });

  it('startOrchestration() starts by the contract name and refuses an input the orchestrator would', async () => {
    const started: unknown[] = [];
    const client = {
      startNew: async (name: string, options?: unknown) => {
        started.push({ name, options });
        return '';
      },
    };
    await startOrchestration(client, NOTIFY_DISPATCH_CONTRACT, 'notifyDispatch:shard-01', {
      shard: 'shard-01',
    });
    expect(started).toEqual([
      {
        name: 'notifyDispatch',
        options: { instanceId: 'notifyDispatch:shard-01', input: { shard: 'shard-01' } },
      },
    ]);
    await expect(
      startOrchestration(client, NOTIFY_DISPATCH_CONTRACT, 'notifyDispatch:x', { shard: 'x' }),
    ).rejects.toThrow(/^notifyDispatch notifyDispatch:x: input refused by its contract/);
    expect(started).toHaveLength(1);
  });
});
