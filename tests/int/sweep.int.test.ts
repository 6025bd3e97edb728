import { instanceIdOf } from '../../src/app/enrolments';
import { createEnrolment } from '../../src/domain';
import type { MemberStateWrite } from '../../src/adapters/ports';
import { sweep, SWEEP_CONCURRENCY } from '../../src/functions/sweep';
import { testApp, type TestApp } from '../support/fakeCampaignClient';

// The sweep timer (SPEC §6) against in-memory repositories and the fake durable client: it must drive
// every member the orchestrations left behind, leave running ones alone, alert ops on stuck rewards, and
// be safe to run any number of times.

const CAMPAIGN = 'cold-member-activation';
const HOUR = 3_600_000;
const ENROLLED_AT = '2026-11-24T22:00:00.000Z'; // 2026-11-25 09:00 Sydney
const EVALUATION_AT = '2026-12-30T13:00:00.000Z'; // 00:00 Sydney after the last grace date 2026-12-30
const AFTER_EVALUATION = '2026-12-31T00:00:00.000Z';

let app: TestApp;
let alerts: string[];
beforeEach(() => {
  app = testApp({ now: AFTER_EVALUATION });
  alerts = [];
  watermark = '2026-12-29';
});

let watermark: string | null = null;
const run = () => sweep({ ...app, readWatermark: async () => watermark }, (line) => alerts.push(line));
const instance = (memberId: string) => instanceIdOf({ campaignId: CAMPAIGN, memberId });

/** An enrolment as POST /api/enrolments leaves it: its start confirmed, unless `lost` (a crash before it). */
async function enrol(memberId: string, enrolledAt = ENROLLED_AT, { lost = false } = {}) {
  const enrolment = createEnrolment({ memberId }, enrolledAt, app.services.settings.campaign);
  if (!enrolment.ok) throw new Error(enrolment.detail);
  await app.repos.members.create(enrolment.value);
  if (!lost) await app.repos.members.markStarted(CAMPAIGN, memberId);
  return enrolment.value;
}

/** A QUALIFIED decision whose points are not issued yet (the orchestration gave up or died). */
async function qualifiedPending(memberId: string, decidedAt: string) {
  await enrol(memberId);
  await app.repos.members.markDecided(CAMPAIGN, memberId, decidedAt);
  await app.repos.rewards.recordDecision({
    memberId,
    campaignId: CAMPAIGN,
    decision: 'QUALIFIED',
    decidedAt,
    points: 2000,
  });
}

describe('sweep', () => {
  it('restarts members past evaluationAt without a decision whose campaign is not running', async () => {
    // Given two undecided members past evaluation: one whose orchestration failed, one with none at all
    const enrolment = await enrol('M-1');
    await enrol('M-2');
    app.client.setStatus(instance('M-1'), 'Failed');

    // When the sweep runs
    const report = await run();

    // Then both are driven again, from their own enrolment snapshot
    expect(report).toMatchObject({ due: 2, stuck: 0, started: 2, alerts: 0, failed: 0, skipped: 0 });
    expect(app.client.ensureCalls).toEqual([
      { instanceId: instance('M-1'), restartIfIdle: true, action: 'RESTARTED' },
      { instanceId: instance('M-2'), restartIfIdle: true, action: 'STARTED' },
    ]);
    expect(app.client.starts[0]?.input).toMatchObject({
      memberId: 'M-1',
      evaluationAt: enrolment.window.evaluationAt,
      lastGraceDate: '2026-12-30',
    });
    expect(alerts).toEqual([]);
  });

  it('leaves a member whose campaign is running (e.g. waiting for the watermark)', async () => {
    // Given an undecided member past evaluation whose orchestration is still running
    await enrol('M-1');
    app.client.setStatus(instance('M-1'), 'Running', { phase: 'WAITING_FOR_WATERMARK' });

    // When the sweep runs
    const report = await run();

    // Then it is looked at but nothing is started
    expect(report).toMatchObject({ due: 1, started: 0 });
    expect(app.client.starts).toEqual([]);
    expect(app.client.instances.get(instance('M-1'))?.customStatus).toEqual({
      phase: 'WAITING_FOR_WATERMARK',
    });
  });

  it('does not touch members before evaluationAt or already decided', async () => {
    // Given a member whose evaluation is a minute away and one already decided NOT_REACHED
    app.clock.set(new Date(Date.parse(EVALUATION_AT) - 60_000).toISOString());
    await enrol('M-1');
    await enrol('M-2', '2026-11-23T22:00:00.000Z');
    await app.repos.members.markDecided(CAMPAIGN, 'M-2', '2026-12-29T13:00:00.000Z');
    await app.repos.rewards.recordDecision({
      memberId: 'M-2',
      campaignId: CAMPAIGN,
      decision: 'NOT_REACHED',
      decidedAt: '2026-12-29T13:00:00.000Z',
    });

    // When the sweep runs
    const report = await run();

    // Then nobody is due and nothing is started
    expect(report).toMatchObject({ due: 0, stuck: 0, started: 0, alerts: 0, failed: 0 });
    expect(app.client.ensureCalls).toEqual([]);
  });

  it('restarts a stuck qualified reward without alerting before rewardStuckAfter', async () => {
    // Given a qualified member decided 23 hours ago, points not issued, orchestration completed
    await qualifiedPending('M-1', new Date(Date.parse(AFTER_EVALUATION) - 23 * HOUR).toISOString());
    app.client.setStatus(instance('M-1'), 'Completed');

    // When the sweep runs
    const report = await run();

    // Then issuance is driven again, and ops are not yet alerted
    expect(report).toMatchObject({ due: 0, stuck: 1, started: 1, alerts: 0, failed: 0 });
    expect(app.client.ensureCalls.map((c) => c.action)).toEqual(['RESTARTED']);
    expect(alerts).toEqual([]);
  });

  it('alerts ops with OPS_ALERT REWARD_STUCK once the reward is pending for rewardStuckAfter', async () => {
    // Given a qualified member decided exactly 24 hours ago after two failed attempts
    const decidedAt = new Date(Date.parse(AFTER_EVALUATION) - 24 * HOUR).toISOString();
    await qualifiedPending('M-1', decidedAt);
    await app.repos.rewards.updateIssuance(CAMPAIGN, 'M-1', {
      attempts: 2,
      lastError: 'points: 503',
      updatedAt: decidedAt,
    });
    app.client.setStatus(instance('M-1'), 'Failed');

    // When the sweep runs
    const report = await run();

    // Then it is restarted and ops are alerted with what they need to act
    expect(report).toMatchObject({ due: 0, stuck: 1, started: 1, alerts: 1, failed: 0 });
    expect(alerts).toEqual([`OPS_ALERT REWARD_STUCK memberId=M-1 decidedAt=${decidedAt} attempts=2`]);
  });

  it('honours a configured rewardStuckAfter', async () => {
    // Given a campaign that alerts after 2 hours, and a reward pending for 3
    app = testApp({ now: AFTER_EVALUATION, campaign: { rewardStuckAfter: 'PT2H' } });
    await qualifiedPending('M-1', new Date(Date.parse(AFTER_EVALUATION) - 3 * HOUR).toISOString());
    app.client.setStatus(instance('M-1'), 'Running');

    // When the sweep runs
    const report = await run();

    // Then ops are alerted even though the orchestration is still retrying
    expect(report).toMatchObject({ stuck: 1, started: 0, alerts: 1, failed: 0 });
    expect(alerts[0]).toMatch(/^OPS_ALERT REWARD_STUCK memberId=M-1 /);
  });

  it('still alerts on a stuck reward when restarting it fails', async () => {
    // Given a reward pending for two days and a durable client that cannot start instances
    // (the kind of outage that leaves rewards stuck in the first place)
    await qualifiedPending('M-1', new Date(Date.parse(AFTER_EVALUATION) - 48 * HOUR).toISOString());
    app.client.ensureCampaign = () => Promise.reject(new Error('task hub unavailable'));

    // When the sweep runs and its restart fails
    const report = await run();

    // Then ops were alerted all the same, and the failure is reported rather than stopping the sweep
    expect(report).toMatchObject({ stuck: 1, alerts: 1, failed: 1 });
    expect(alerts).toEqual([
      expect.stringMatching(/^OPS_ALERT REWARD_STUCK memberId=M-1 /),
      expect.stringMatching(/^SWEEP_FAILED memberId=M-1 task hub unavailable/),
    ]);
  });

  it('ignores issued rewards', async () => {
    // Given a qualified member whose points were issued
    const decidedAt = new Date(Date.parse(AFTER_EVALUATION) - 48 * HOUR).toISOString();
    await qualifiedPending('M-1', decidedAt);
    await app.repos.rewards.updateIssuance(CAMPAIGN, 'M-1', {
      status: 'ISSUED',
      attempts: 1,
      creditId: 'C-1',
      updatedAt: decidedAt,
    });
    app.client.setStatus(instance('M-1'), 'Completed');

    // When the sweep runs
    const report = await run();

    // Then there is nothing to do
    expect(report).toMatchObject({ due: 0, stuck: 0, started: 0, alerts: 0, failed: 0 });
    expect(app.client.ensureCalls).toEqual([]);
  });

  it('drives a member both due and stuck only once', async () => {
    // Given a QUALIFIED reward pending whose members document never got decidedAt (a crash in between)
    await enrol('M-1');
    await app.repos.rewards.recordDecision({
      memberId: 'M-1',
      campaignId: CAMPAIGN,
      decision: 'QUALIFIED',
      decidedAt: EVALUATION_AT,
      points: 2000,
    });
    app.client.setStatus(instance('M-1'), 'Failed');

    // When the sweep runs
    const report = await run();

    // Then the member appears in both lists but is started once
    expect(report).toMatchObject({ due: 1, stuck: 1, started: 1 });
    expect(app.client.ensureCalls).toHaveLength(1);
  });

  it('reaches a failed member behind more than one batch of members legitimately waiting', async () => {
    // Given 500 undecided members past evaluation whose orchestrations are running (waiting for a late
    // feed, or held by quarantined rows until ops act), and a younger member whose orchestration failed
    for (let i = 0; i < 500; i += 1) {
      const memberId = `M-W${i}`;
      // Enrolled a day earlier, so their evaluation is older and the sweep sees them first
      await enrol(memberId, new Date(Date.parse(ENROLLED_AT) - 24 * HOUR - i * 1000).toISOString());
      app.client.setStatus(instance(memberId), 'Running', { phase: 'WAITING_FOR_WATERMARK' });
    }
    await enrol('M-FAILED');
    app.client.setStatus(instance('M-FAILED'), 'Failed');

    // When the sweep runs, as often as it likes
    await run();
    await run();

    // Then the failed member is restarted: waiting members must not hide it from the sweep for as long
    // as they wait
    expect(app.client.instances.get(instance('M-FAILED'))?.runtimeStatus).toBe('Running');
  });

  it('starts nothing extra when it runs twice', async () => {
    // Given an undecided member past evaluation with no running orchestration
    await enrol('M-1');
    app.client.setStatus(instance('M-1'), 'Terminated');

    // When the sweep runs twice in a row (overlapping timer runs, or a retry)
    const first = await run();
    const second = await run();

    // Then the second run finds the first one's instance running and starts nothing
    expect(first.started).toBe(1);
    expect(second).toMatchObject({ due: 1, stuck: 0, started: 0, alerts: 0, failed: 0 });
    expect(app.client.starts).toHaveLength(1);
    expect(app.client.ensureCalls.map((c) => c.action)).toEqual(['RESTARTED']);
  });

  describe('at scale (issue 13.4)', () => {
    /** The member's projection as the entity would show it while its decision waits. */
    const waits = async (
      memberId: string,
      waitingFor: 'WATERMARK_BEHIND' | 'QUARANTINE_HOLD' | null,
      patch: Partial<MemberStateWrite> = {},
    ) =>
      app.repos.memberStates.put({
        memberId,
        campaignId: CAMPAIGN,
        state: waitingFor === 'QUARANTINE_HOLD' ? 'NEEDS_REVIEW' : 'PENDING_REWARD',
        atRisk: false,
        held: waitingFor === 'QUARANTINE_HOLD',
        decision: null,
        rewardStatus: null,
        enrolledOn: '2026-11-25',
        lastGraceDate: '2026-12-30',
        waitingFor,
        waitingSince: waitingFor ? EVALUATION_AT : null,
        version: 4,
        updatedAt: EVALUATION_AT,
        ...patch,
      });
    const waitingStatus = (phase = 'WAITING_FOR_SETTLEMENT') => ({ phase, memberId: 'x' });

    it('skips members shown waiting for a reason that still holds: status calls for at most 1% of them', async () => {
      // Given 300 members waiting for the watermark (behind their last grace date) and 300 held for review
      for (let i = 0; i < 600; i += 1) {
        const memberId = `M-W${String(i).padStart(3, '0')}`;
        await enrol(memberId);
        await waits(memberId, i < 300 ? 'WATERMARK_BEHIND' : 'QUARANTINE_HOLD');
        app.client.setStatus(instance(memberId), 'Running', waitingStatus());
      }

      // When the sweep runs on the decision night, the watermark a day behind
      const report = await run();

      // Then it looks at none of them
      expect(report).toMatchObject({ due: 600, skipped: 600, started: 0, woken: 0, failed: 0 });
      expect(app.client.statusCalls).toBeLessThanOrEqual(6);
      expect(report.statusCalls).toBe(app.client.statusCalls);
    });

    it('wakes a running member whose wait lost its reason (a missed wake-up), leaves the rest', async () => {
      // Given members past evaluation: one waiting for a watermark that now covers its last grace date,
      // one shown held whose hold is gone, one waiting for a later date, and one not shown waiting whose
      // instance is issuing points
      for (const id of ['M-COVERED', 'M-RELEASED', 'M-BEHIND', 'M-ISSUING']) await enrol(id);
      await waits('M-COVERED', 'WATERMARK_BEHIND');
      await waits('M-RELEASED', 'QUARANTINE_HOLD', { held: false });
      await waits('M-BEHIND', 'WATERMARK_BEHIND', { lastGraceDate: '2026-12-31' });
      await waits('M-ISSUING', null);
      app.client.setStatus(instance('M-COVERED'), 'Running', waitingStatus());
      app.client.setStatus(instance('M-RELEASED'), 'Running', waitingStatus('HELD_FOR_REVIEW'));
      app.client.setStatus(instance('M-BEHIND'), 'Running', waitingStatus());
      app.client.setStatus(instance('M-ISSUING'), 'Running', { phase: 'ISSUING_POINTS' });
      watermark = '2026-12-30';

      // When the sweep runs
      const report = await run();

      // Then the two whose wait lost its reason are woken, the one still behind is skipped, and the
      // one issuing points is looked at and left alone
      expect(app.client.wakeUps.map((w) => [w.instanceId, w.event.by]).sort()).toEqual([
        [instance('M-COVERED'), 'SWEEP'],
        [instance('M-RELEASED'), 'SWEEP'],
      ]);
      expect(report).toMatchObject({ due: 4, skipped: 1, woken: 2, started: 0, statusCalls: 3 });
    });

    it('starts the missing orchestration of an enrolment whose start was lost, long before evaluationAt', async () => {
      // Given, a day after a cohort enrolled: a member whose orchestration never started (the enrolment
      // stored, then a crash: still flagged startPending), one enrolled normally (its start confirmed),
      // and one enrolled weeks ago whose start was confirmed
      app.clock.set('2026-11-25T22:00:00.000Z');
      await enrol('M-LOST', '2026-11-25T09:00:00.000Z', { lost: true });
      await enrol('M-FINE', '2026-11-25T09:00:00.000Z');
      app.client.setStatus(instance('M-FINE'), 'Running', { phase: 'WAITING_FOR_WINDOW' });
      await enrol('M-OLD', '2026-11-01T09:00:00.000Z');

      // When the sweep runs, twice
      const report = await run();
      const again = await run();

      // Then only the lost one is looked for, and started, and its flag cleared: the next pass reads none
      expect(report).toMatchObject({ due: 0, recent: 1, started: 1, statusCalls: 1 });
      expect(app.client.ensureCalls).toEqual([
        { instanceId: instance('M-LOST'), restartIfIdle: true, action: 'STARTED' },
      ]);
      expect(again).toMatchObject({ recent: 0, statusCalls: 0 });
    });

    it('keeps the flag of an enrolment it could not start, and tries again on the next pass', async () => {
      // Given an enrolment whose start was lost, and a task hub refusing starts
      app.clock.set('2026-11-25T22:00:00.000Z');
      await enrol('M-LOST', '2026-11-25T09:00:00.000Z', { lost: true });
      const ensure = app.client.ensureCampaign.bind(app.client);
      app.client.ensureCampaign = async () => {
        throw new Error('task hub unavailable');
      };

      // When the sweep runs, then again once the task hub is back
      const failed = await run();
      app.client.ensureCampaign = ensure;
      const retried = await run();

      // Then the first pass counts a failure and the second starts it
      expect(failed).toMatchObject({ recent: 1, failed: 1, started: 0 });
      expect(retried).toMatchObject({ recent: 1, failed: 0, started: 1 });
      expect(await app.repos.members.listStartPending(CAMPAIGN)).toEqual([]);
    });

    it('drives at most SWEEP_CONCURRENCY members at a time', async () => {
      // Given 100 due members with no projection, whose status calls take a while
      for (let i = 0; i < 100; i += 1) await enrol(`M-${i}`);
      let inFlight = 0;
      let most = 0;
      const status = app.client.status.bind(app.client);
      app.client.status = async (instanceId) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
        return status(instanceId);
      };

      // When the sweep runs
      const report = await run();

      // Then all are started, never more than the bound in flight, and more than one at a time
      expect(report.started).toBe(100);
      expect(most).toBeLessThanOrEqual(SWEEP_CONCURRENCY);
      expect(most).toBeGreaterThan(1);
    });
  });
});
