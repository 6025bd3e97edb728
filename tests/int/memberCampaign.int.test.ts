import { createEnrolment } from '../../src/domain';
import { ACTIVITIES, MEMBER_CAMPAIGN_V1_ORCHESTRATOR } from '../../src/durableNames';
import { config, fed, obs } from '../support/domainBuilders';
import { startCampaign, type ActivityStub, type CampaignRun } from '../support/memberCampaignRun';
import { currentRegistry } from '../../local/functionsCore';
import { recordInstance, replayRecorded } from '../../local/durable/testing/recordedHistory';

// The real memberCampaign orchestrator and member entity on the local durable engine (local/durable):
// durable-functions' own replay code, virtual time, the activities answered here.
const ENROLLED_AT = '2026-11-25T09:00:00+11:00';
const EVALUATION_AT = '2026-12-30T13:00:00.000Z';
const L = '2026-12-30';
const DAY = 86_400_000;
/** Well after every timer and retry of a campaign evaluated at EVALUATION_AT. */
const AFTER = Date.parse(EVALUATION_AT) + 2 * DAY;

const qualifyingLoad = obs({ id: 'T-1', cents: 100_000, initiatedAt: '2026-12-01T00:00:00.000Z' });
const confirmed = [qualifyingLoad, fed(qualifyingLoad, '2026-12-02')];

const DEFAULTS: Record<string, ActivityStub> = {
  [ACTIVITIES.readWatermark]: () => ({ watermark: L }),
  [ACTIVITIES.recordDecision]: () => 'RECORDED',
  [ACTIVITIES.issuePoints]: () => ({ kind: 'ISSUED', creditId: 'C-1' }),
  [ACTIVITIES.recordIssuance]: () => 'UPDATED',
  [ACTIVITIES.raiseAlert]: () => null,
};

let run: CampaignRun | undefined;
afterEach(async () => {
  await run?.close();
  run = undefined;
});

async function start(
  options: {
    overrides?: Parameters<typeof config>[0];
    qualify?: boolean;
    activities?: Partial<Record<string, ActivityStub>>;
    orchestrator?: string;
  } = {},
): Promise<CampaignRun> {
  const enrolment = createEnrolment(
    { memberId: 'M-1', enrolledAt: ENROLLED_AT },
    ENROLLED_AT,
    config(options.overrides ?? {}),
  );
  if (!enrolment.ok) throw new Error(enrolment.detail);
  run = await startCampaign(enrolment.value, {
    ...(options.qualify ? { observations: confirmed } : {}),
    activities: { ...DEFAULTS, ...options.activities },
    ...(options.orchestrator ? { orchestrator: options.orchestrator } : {}),
  });
  return run;
}

describe('memberCampaign orchestrator (local durable engine, real durable-functions replay)', () => {
  it('first enrols the entity and schedules one durable timer for evaluationAt', async () => {
    const campaign = await start();
    const status = await campaign.status();
    expect(status.runtimeStatus).toBe('Running');
    expect(status.customStatus).toMatchObject({ phase: 'WAITING_FOR_WINDOW', memberId: 'M-1' });
    expect((await campaign.entity())?.ledger?.enrolment.memberId).toBe('M-1');
    expect(campaign.activities).toEqual([]);
    // The SDK splits the 36-day timer: the first sub-timer is 3 days out.
    await campaign.advanceTo(Date.parse(ENROLLED_AT) + 3 * DAY);
    expect(campaign.timersFired()).toEqual([new Date(Date.parse(ENROLLED_AT) + 3 * DAY)]);
    expect((await campaign.status()).runtimeStatus).toBe('Running');
  });

  it('after the timer fires takes the decision and issues the points once', async () => {
    const campaign = await start({ qualify: true });
    await campaign.advanceTo(AFTER);
    const final = await campaign.status();
    expect(final.output).toEqual({ outcome: 'ISSUED' });
    expect(final.customStatus).toMatchObject({ phase: 'COMPLETE' });
    // Sub-timers of at most 6 days, the last one exactly at evaluationAt.
    const fired = campaign.timersFired();
    expect(fired.at(-1)?.toISOString()).toBe(EVALUATION_AT);
    fired
      .slice(1)
      .forEach((t, i) => expect(t.getTime() - (fired[i] as Date).getTime()).toBeLessThanOrEqual(6 * DAY));
    expect(campaign.activities.map((a) => a.name)).toEqual([
      ACTIVITIES.readWatermark,
      ACTIVITIES.recordDecision,
      ACTIVITIES.issuePoints,
      ACTIVITIES.recordIssuance,
    ]);
    expect(campaign.activities[2]?.input).toEqual({
      memberId: 'M-1',
      campaignId: 'cold-member-activation',
      points: 2000,
    });
    expect((await campaign.entity())?.ledger?.decision?.outcome).toBe('QUALIFIED');
    expect(campaign.episodes()).toBeLessThanOrEqual(25);
  });

  it('waits for a late watermark without polling, alerts ops once, and decides when woken', async () => {
    const marks = ['2026-12-28', '2026-12-29', L];
    let read = 0;
    const campaign = await start({
      overrides: { feedLateAlertAfter: 'PT2H' },
      qualify: true,
      activities: {
        [ACTIVITIES.readWatermark]: () => ({ watermark: marks[Math.min(read++, marks.length - 1)] }),
      },
    });
    await campaign.advanceTo(Date.parse(EVALUATION_AT) + 30 * 60_000);
    expect((await campaign.status()).customStatus).toMatchObject({
      phase: 'WAITING_FOR_SETTLEMENT',
      reason: 'WATERMARK_BEHIND',
      since: EVALUATION_AT,
      alerted: false,
    });
    expect((await campaign.entity())?.ledger?.waiting).toEqual({
      reason: 'WATERMARK_BEHIND',
      since: EVALUATION_AT,
    });
    // A day passes: one check when the alert is due (evaluationAt + 2 h), none on the hour
    await campaign.advanceTo(Date.parse(EVALUATION_AT) + DAY);
    expect(read).toBe(2);
    expect((await campaign.status()).customStatus).toMatchObject({ alerted: true, since: EVALUATION_AT });
    const rechecks = campaign.timersFired().filter((t) => t.getTime() > Date.parse(EVALUATION_AT));
    expect(rechecks.map((t) => t.toISOString())).toEqual([
      new Date(Date.parse(EVALUATION_AT) + 2 * 3_600_000).toISOString(),
    ]);
    // The feed run that covers the last grace date wakes it: decided at once, no timer in between
    const timers = campaign.timersFired().length;
    await campaign.recheck({ by: 'WATERMARK' });
    expect((await campaign.status()).output).toEqual({ outcome: 'ISSUED' });
    expect(read).toBe(3);
    expect(campaign.timersFired()).toHaveLength(timers);
    const alerts = campaign.activities.filter((a) => a.name === ACTIVITIES.raiseAlert);
    expect(alerts).toEqual([
      {
        name: ACTIVITIES.raiseAlert,
        input: expect.objectContaining({ kind: 'FEED_LATE', memberId: 'M-1' }),
        failed: false,
      },
    ]);
  });

  it('v1 (frozen) still runs beside v2: it re-checks on the hour until the watermark catches up', async () => {
    const marks = ['2026-12-28', '2026-12-29', '2026-12-29', '2026-12-29', L];
    let read = 0;
    const campaign = await start({
      orchestrator: MEMBER_CAMPAIGN_V1_ORCHESTRATOR,
      overrides: { feedLateAlertAfter: 'PT2H', watermarkRecheck: 'PT1H' },
      qualify: true,
      activities: {
        [ACTIVITIES.readWatermark]: () => ({ watermark: marks[Math.min(read++, marks.length - 1)] }),
      },
    });
    await campaign.advanceTo(AFTER);
    expect((await campaign.status()).output).toEqual({ outcome: 'ISSUED' });
    expect(read).toBe(5);
    // Four re-checks, each one hour (plus the few seconds the checks took) after the previous check.
    const rechecks = campaign.timersFired().filter((t) => t.getTime() > Date.parse(EVALUATION_AT));
    expect(rechecks).toHaveLength(4);
    const starts = [Date.parse(EVALUATION_AT), ...rechecks.map((t) => t.getTime())];
    rechecks.forEach((t, i) => {
      const gap = t.getTime() - (starts[i] as number);
      expect(gap).toBeGreaterThanOrEqual(3_600_000);
      expect(gap).toBeLessThan(3_600_000 + 10_000);
    });
  });

  it('a held member released by a re-drive decides at once, and 30 days held cost no more than 3', async () => {
    const held = async (days: number) => {
      const campaign = await start({ qualify: true });
      await campaign.signal('hold', {
        ref: 'FEED:2026-12-10:v1:line:7',
        businessDate: '2026-12-10',
        version: 1,
        reason: 'ROW_INVALID',
        at: ENROLLED_AT,
      });
      await campaign.advanceTo(Date.parse(EVALUATION_AT) + days * DAY);
      expect((await campaign.status()).customStatus).toMatchObject({
        phase: 'HELD_FOR_REVIEW',
        reason: 'QUARANTINE_HOLD',
        since: EVALUATION_AT,
        alerted: true,
      });
      const timers = campaign.timersFired().length;
      const reads = campaign.activities.filter((a) => a.name === ACTIVITIES.readWatermark).length;
      // The re-drive: the instance releases the holds itself, then decides, with no timer in between (and
      // no re-read: the watermark already covered the last grace date when the hold was found)
      await campaign.recheck({ by: 'REDRIVE', releaseHolds: true });
      expect((await campaign.status()).output).toEqual({ outcome: 'ISSUED' });
      expect(campaign.timersFired()).toHaveLength(timers);
      expect(campaign.activities.filter((a) => a.name === ACTIVITIES.readWatermark)).toHaveLength(reads);
      expect((await campaign.entity())?.ledger?.holds).toEqual({});
      const episodes = campaign.episodes();
      await campaign.close();
      run = undefined;
      return episodes;
    };
    const thirtyDays = await held(30);
    expect(thirtyDays).toBe(await held(3));
    expect(thirtyDays).toBeLessThanOrEqual(25);
  });

  it('retries a failing points call with backoff and succeeds on the third attempt', async () => {
    let calls = 0;
    const campaign = await start({
      qualify: true,
      activities: {
        [ACTIVITIES.issuePoints]: () => {
          calls += 1;
          if (calls < 3) throw new Error('TransientPointsError: points system answered 503');
          return { kind: 'REPLAYED', creditId: 'C-9' };
        },
      },
    });
    await campaign.advanceTo(AFTER);
    expect(calls).toBe(3);
    expect((await campaign.status()).output).toEqual({ outcome: 'ISSUED' });
    const recorded = campaign.activities.find((a) => a.name === ACTIVITIES.recordIssuance);
    expect(recorded?.input).toMatchObject({
      reward: { status: 'ISSUED', creditId: 'C-9' },
      outcome: 'REPLAYED',
    });
  });

  it('leads a permanent refusal to NEEDS_REVIEW without retrying', async () => {
    let calls = 0;
    const campaign = await start({
      qualify: true,
      activities: {
        [ACTIVITIES.issuePoints]: () => {
          calls += 1;
          return { kind: 'REFUSED', detail: '404 MEMBER_NOT_FOUND: unknown member' };
        },
      },
    });
    await campaign.advanceTo(AFTER);
    const final = await campaign.status();
    expect(calls).toBe(1);
    expect(final.output).toEqual({ outcome: 'NEEDS_REVIEW' });
    expect(campaign.activities.filter((a) => a.name === ACTIVITIES.raiseAlert).map((a) => a.input)).toEqual([
      expect.objectContaining({ kind: 'REWARD_NEEDS_REVIEW', memberId: 'M-1' }),
    ]);
    expect(final.customStatus).toMatchObject({ phase: 'NEEDS_REVIEW' });
  });

  it('hands over to the sweep when the bounded retries are exhausted', async () => {
    let calls = 0;
    const campaign = await start({
      qualify: true,
      activities: {
        [ACTIVITIES.issuePoints]: () => {
          calls += 1;
          throw new Error('TransientPointsError: timed out');
        },
      },
    });
    await campaign.advanceTo(AFTER);
    expect(calls).toBe(6);
    expect((await campaign.status()).output).toEqual({ outcome: 'REWARD_RETRY_PENDING' });
    expect(campaign.activities.find((a) => a.name === ACTIVITIES.recordIssuance)?.input).toMatchObject({
      reward: { status: 'PENDING', attempts: 6 },
    });
  });

  it('does not call the points system for a member who did not reach the target', async () => {
    const campaign = await start();
    await campaign.advanceTo(AFTER);
    expect((await campaign.status()).output).toEqual({ outcome: 'NOT_REACHED' });
    expect(campaign.activities.map((a) => a.name)).toEqual([
      ACTIVITIES.readWatermark,
      ACTIVITIES.recordDecision,
    ]);
  });

  it('replaying the whole recorded history against the code yields the same actions', async () => {
    const campaign = await start({ qualify: true });
    await campaign.advanceTo(AFTER);
    const record = campaign.durable.engine.instance(campaign.instanceId);
    if (!record) throw new Error('no instance recorded');
    expect(record.status).toBe('Completed');
    expect(
      await replayRecorded(currentRegistry(), recordInstance(record, 'qualified, issued')),
    ).toBeUndefined();
  });
});
