import { decideMember, EMPTY_STATE, type MemberCommand } from '../../src/domain';
import * as names from '../../src/durableNames';
import { ACTIVITIES, MEMBER_OPERATIONS } from '../../src/durableNames';
import { FEED_CONTRACTS } from '../../src/feed/durable';
import { NOTIFY_DRAIN_CONTRACT } from '../../src/orchestrators/notifyDispatch';
import { ACTIVITY_CONTRACTS, MEMBER_CONTRACTS } from '../../src/orchestrators/memberCampaignContracts';
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
