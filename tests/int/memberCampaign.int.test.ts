import '../../src/orchestrators/memberCampaign';
import { campaignInputFor } from '../../src/app/enrolments';
import { createEnrolment, type Observation } from '../../src/domain';
import { ACTIVITIES, MEMBER_CAMPAIGN_ORCHESTRATOR } from '../../src/durableNames';
import {
  EMPTY_STATE,
  handleMemberOperation,
  type MemberEntityState,
} from '../../src/entities/memberOperations';
import { config, fed, obs } from '../support/domainBuilders';
import { OrchestrationHarness, type Responders } from '../support/orchestrationHarness';

const ENROLLED_AT = '2026-11-25T09:00:00+11:00';
const EVALUATION_AT = '2026-12-30T13:00:00.000Z';
const L = '2026-12-30';

function setup(overrides: Parameters<typeof config>[0] = {}) {
  const enrolment = createEnrolment(
    { memberId: 'M-1', enrolledAt: ENROLLED_AT },
    ENROLLED_AT,
    config(overrides),
  );
  if (!enrolment.ok) throw new Error(enrolment.detail);
  const input = campaignInputFor(enrolment.value);
  const harness = new OrchestrationHarness(
    MEMBER_CAMPAIGN_ORCHESTRATOR,
    'memberCampaign:cold-member-activation:M-1',
    input,
    new Date(ENROLLED_AT),
  );
  let entity: MemberEntityState = handleMemberOperation(EMPTY_STATE, 'enrol', {
    enrolment: enrolment.value,
    at: ENROLLED_AT,
  }).state;
  const apply = (observations: Observation[]) => {
    entity = handleMemberOperation(entity, 'applyRealtime', { observations, at: ENROLLED_AT }).state;
  };
  const entityResponder = (operation: string, opInput: unknown) => {
    const { state, result } = handleMemberOperation(entity, operation as never, opInput);
    entity = state;
    return result;
  };
  return { harness, apply, entityResponder, entity: () => entity };
}

const qualifyingLoad = obs({ id: 'T-1', cents: 100_000, initiatedAt: '2026-12-01T00:00:00.000Z' });
const confirmed = [qualifyingLoad, fed(qualifyingLoad, '2026-12-02')];

function responders(
  entity: Responders['entity'],
  activities: Partial<Record<string, (input: unknown) => unknown>>,
): Responders {
  const defaults: Record<string, (input: unknown) => unknown> = {
    [ACTIVITIES.readWatermark]: () => ({ watermark: L }),
    [ACTIVITIES.recordDecision]: () => 'RECORDED',
    [ACTIVITIES.issuePoints]: () => ({ kind: 'ISSUED', creditId: 'C-1' }),
    [ACTIVITIES.recordIssuance]: () => 'UPDATED',
    [ACTIVITIES.raiseAlert]: () => null,
  };
  return {
    entity,
    activity: (name, input) => {
      const fn = activities[name] ?? defaults[name];
      if (!fn) throw new Error(`unexpected activity ${name}`);
      return fn(input);
    },
  };
}

describe('memberCampaign orchestrator (real durable-functions replay)', () => {
  it('first enrols the entity and schedules one durable timer for evaluationAt', async () => {
    const { harness } = setup();
    const { state, open } = await harness.episode();
    expect(state.isDone).toBe(false);
    expect(state.actions).toEqual([
      [
        expect.objectContaining({ actionType: 9, operation: 'enrol', instanceId: '@member@M-1' }),
        expect.objectContaining({ actionType: 5, fireAt: new Date(EVALUATION_AT) }),
      ],
    ]);
    expect(state.customStatus).toMatchObject({ phase: 'WAITING_FOR_WINDOW', memberId: 'M-1' });
    // The SDK splits the 36-day timer: the first sub-timer is 3 days out.
    expect(open).toEqual([
      { id: 1, kind: 'TIMER', fireAt: new Date(Date.parse(ENROLLED_AT) + 3 * 86_400_000) },
    ]);
  });

  it('after the timer fires takes the decision and issues the points once', async () => {
    const { harness, apply, entityResponder, entity } = setup();
    apply(confirmed);
    const final = await harness.run(responders(entityResponder, {}));
    expect(final.output).toEqual({ outcome: 'ISSUED' });
    expect(final.customStatus).toMatchObject({ phase: 'COMPLETE' });
    // Sub-timers of at most 6 days, the last one exactly at evaluationAt.
    const fired = harness.trace.timersFired;
    expect(fired.at(-1)?.toISOString()).toBe(EVALUATION_AT);
    fired
      .slice(1)
      .forEach((t, i) =>
        expect(t.getTime() - (fired[i] as Date).getTime()).toBeLessThanOrEqual(6 * 86_400_000),
      );
    expect(harness.trace.activities.map((a) => a.name)).toEqual([
      ACTIVITIES.readWatermark,
      ACTIVITIES.recordDecision,
      ACTIVITIES.issuePoints,
      ACTIVITIES.recordIssuance,
    ]);
    expect(harness.trace.activities[2]?.input).toEqual({
      memberId: 'M-1',
      campaignId: 'cold-member-activation',
      points: 2000,
    });
    expect(entity().ledger?.decision?.outcome).toBe('QUALIFIED');
    expect(harness.trace.episodes).toBeLessThanOrEqual(25);
  });

  it('waits for a late watermark, re-checking on a timer, and alerts ops once', async () => {
    const { harness, apply, entityResponder } = setup({
      feedLateAlertAfter: 'PT2H',
      watermarkRecheck: 'PT1H',
    });
    apply(confirmed);
    const marks = ['2026-12-28', '2026-12-29', '2026-12-29', '2026-12-29', L];
    let read = 0;
    const final = await harness.run(
      responders(entityResponder, {
        [ACTIVITIES.readWatermark]: () => ({ watermark: marks[Math.min(read++, marks.length - 1)] }),
      }),
    );
    expect(final.output).toEqual({ outcome: 'ISSUED' });
    expect(read).toBe(5);
    const alerts = harness.trace.activities.filter((a) => a.name === ACTIVITIES.raiseAlert);
    expect(alerts).toEqual([
      {
        name: ACTIVITIES.raiseAlert,
        input: expect.objectContaining({ kind: 'FEED_LATE', memberId: 'M-1' }),
        failed: false,
      },
    ]);
    expect(harness.trace.statuses).toContainEqual(
      expect.objectContaining({ phase: 'WAITING_FOR_SETTLEMENT', reason: 'WATERMARK_BEHIND' }),
    );
    // Four re-checks, each one hour (plus the few seconds the checks took) after the previous check.
    const rechecks = harness.trace.timersFired.filter((t) => t.getTime() > Date.parse(EVALUATION_AT));
    expect(rechecks).toHaveLength(4);
    const starts = [Date.parse(EVALUATION_AT), ...rechecks.map((t) => t.getTime())];
    rechecks.forEach((t, i) => {
      const gap = t.getTime() - (starts[i] as number);
      expect(gap).toBeGreaterThanOrEqual(3_600_000);
      expect(gap).toBeLessThan(3_600_000 + 10_000);
    });
  });

  it('retries a failing points call with backoff and succeeds on the third attempt', async () => {
    const { harness, apply, entityResponder } = setup();
    apply(confirmed);
    let calls = 0;
    const final = await harness.run(
      responders(entityResponder, {
        [ACTIVITIES.issuePoints]: () => {
          calls += 1;
          if (calls < 3) throw new Error('TransientPointsError: points system answered 503');
          return { kind: 'REPLAYED', creditId: 'C-9' };
        },
      }),
    );
    expect(calls).toBe(3);
    expect(final.output).toEqual({ outcome: 'ISSUED' });
    const recorded = harness.trace.activities.find((a) => a.name === ACTIVITIES.recordIssuance);
    expect(recorded?.input).toMatchObject({
      reward: { status: 'ISSUED', creditId: 'C-9' },
      outcome: 'REPLAYED',
    });
  });

  it('leads a permanent refusal to NEEDS_REVIEW without retrying', async () => {
    const { harness, apply, entityResponder } = setup();
    apply(confirmed);
    let calls = 0;
    const final = await harness.run(
      responders(entityResponder, {
        [ACTIVITIES.issuePoints]: () => {
          calls += 1;
          return { kind: 'REFUSED', detail: '404 MEMBER_NOT_FOUND: unknown member' };
        },
      }),
    );
    expect(calls).toBe(1);
    expect(final.output).toEqual({ outcome: 'NEEDS_REVIEW' });
    expect(
      harness.trace.activities.filter((a) => a.name === ACTIVITIES.raiseAlert).map((a) => a.input),
    ).toEqual([expect.objectContaining({ kind: 'REWARD_NEEDS_REVIEW', memberId: 'M-1' })]);
    expect(final.customStatus).toMatchObject({ phase: 'NEEDS_REVIEW' });
  });

  it('hands over to the sweep when the bounded retries are exhausted', async () => {
    const { harness, apply, entityResponder } = setup();
    apply(confirmed);
    let calls = 0;
    const final = await harness.run(
      responders(entityResponder, {
        [ACTIVITIES.issuePoints]: () => {
          calls += 1;
          throw new Error('TransientPointsError: timed out');
        },
      }),
    );
    expect(calls).toBe(6);
    expect(final.output).toEqual({ outcome: 'REWARD_RETRY_PENDING' });
    expect(harness.trace.activities.find((a) => a.name === ACTIVITIES.recordIssuance)?.input).toMatchObject({
      reward: { status: 'PENDING', attempts: 6 },
    });
  });

  it('does not call the points system for a member who did not reach the target', async () => {
    const { harness, entityResponder } = setup();
    const final = await harness.run(responders(entityResponder, {}));
    expect(final.output).toEqual({ outcome: 'NOT_REACHED' });
    expect(harness.trace.activities.map((a) => a.name)).toEqual([
      ACTIVITIES.readWatermark,
      ACTIVITIES.recordDecision,
    ]);
  });

  it('replaying the same history yields the same actions', async () => {
    const { harness, apply, entityResponder } = setup();
    apply(confirmed);
    await harness.run(responders(entityResponder, {}));
    const first = await harness.episode();
    const second = await harness.episode();
    expect(second.state).toEqual(first.state);
    expect(first.state.isDone).toBe(true);
  });
});
