import type { MemberStateWrite } from '../../src/adapters/ports';
import { wakeAfterFeedRun } from '../../src/app/campaignWake';
import { instanceIdOf } from '../../src/app/enrolments';
import { FakeCampaignClient } from '../support/fakeCampaignClient';
import { memoryMemberStateRepository } from '../support/memory/memberStateRepository';

// The wake-ups of waiting campaigns (issue 13.1): a feed run raises `recheck` for exactly the members it
// concerns, found by a query over the memberStates projection, never by reading every member.

const CAMPAIGN = 'cold-member-activation';
const NOW = '2026-12-31T14:00:00.000Z';
const SINCE = '2026-12-30T13:00:00.000Z';

function projection(memberId: string, patch: Partial<MemberStateWrite>): MemberStateWrite {
  return {
    memberId,
    campaignId: CAMPAIGN,
    state: 'PENDING_REWARD',
    atRisk: false,
    held: false,
    decision: null,
    rewardStatus: null,
    enrolledOn: '2026-11-25',
    lastGraceDate: '2026-12-30',
    waitingFor: null,
    waitingSince: null,
    version: 3,
    updatedAt: SINCE,
    ...patch,
  };
}

async function cohort() {
  const memberStates = memoryMemberStateRepository();
  const client = new FakeCampaignClient();
  const members: [string, Partial<MemberStateWrite>][] = [
    // last grace date 2026-12-30, waiting for the watermark: the late run covers it
    ['COVERED', { waitingFor: 'WATERMARK_BEHIND', waitingSince: SINCE }],
    // same last grace date, its wait not projected yet: newly covered, woken all the same
    ['NOT_YET_PROJECTED', {}],
    // a day later: still behind
    ['LATER', { lastGraceDate: '2026-12-31', waitingFor: 'WATERMARK_BEHIND', waitingSince: SINCE }],
    // covered but decided
    ['DECIDED', { decision: 'NOT_REACHED', state: 'EXPIRED' }],
    // covered long ago and held for review: not the watermark's to wake
    ['HELD', { lastGraceDate: '2026-12-20', held: true, waitingFor: 'QUARANTINE_HOLD', waitingSince: SINCE }],
  ];
  for (const [memberId, patch] of members) {
    await memberStates.put(projection(memberId, patch));
    client.setStatus(instanceIdOf({ campaignId: CAMPAIGN, memberId }), 'Running');
  }
  return { memberStates, client, deps: { memberStates, client, campaignId: CAMPAIGN, now: () => NOW } };
}

const woken = (client: FakeCampaignClient) =>
  client.wakeUps.map((w) => [w.instanceId.split(':').at(-1), w.event.by]).sort();

describe('waking the campaigns a feed run concerns', () => {
  it('a late run wakes exactly the undecided members whose last grace date it covers', async () => {
    // Given members waiting on the decision night, and the file of 2026-12-30 arriving a day late
    const { client, deps } = await cohort();

    // When its run completes and moves the watermark from 2026-12-29 to 2026-12-30
    const count = await wakeAfterFeedRun(deps, {
      previousWatermark: '2026-12-29',
      watermark: '2026-12-30',
      corrected: [],
    });

    // Then those two, and only those, get a recheck
    expect(woken(client)).toEqual([
      ['COVERED', 'WATERMARK'],
      ['NOT_YET_PROJECTED', 'WATERMARK'],
    ]);
    expect(count).toBe(2);
    expect(client.wakeUps[0]?.event).toEqual({ by: 'WATERMARK', at: NOW });
  });

  it('a run that does not move the watermark wakes nobody waiting for it', async () => {
    const { client, deps } = await cohort();
    await wakeAfterFeedRun(deps, { previousWatermark: '2026-12-29', watermark: '2026-12-29', corrected: [] });
    expect(client.wakeUps).toEqual([]);
  });

  it('a correction wakes the waiting members it touched, and no one else', async () => {
    // Given the held member, a member not waiting and one without a projection are in a corrected file
    const { client, deps, memberStates } = await cohort();
    await memberStates.put(projection('ACTIVE', { lastGraceDate: '2027-01-20' }));

    // When the correction completes without moving the watermark
    await wakeAfterFeedRun(deps, {
      previousWatermark: '2026-12-29',
      watermark: '2026-12-29',
      corrected: ['HELD', 'ACTIVE', 'UNKNOWN', 'LATER'],
    });

    // Then the members it touched that wait are woken (the held one; the one waiting for the watermark
    // re-checks and keeps waiting)
    expect(woken(client)).toEqual([
      ['HELD', 'CORRECTION'],
      ['LATER', 'CORRECTION'],
    ]);
  });

  it('does not count a member without an instance as woken', async () => {
    const { client, deps } = await cohort();
    client.instances.delete(instanceIdOf({ campaignId: CAMPAIGN, memberId: 'COVERED' }));
    const count = await wakeAfterFeedRun(deps, {
      previousWatermark: '2026-12-29',
      watermark: '2026-12-30',
      corrected: [],
    });
    expect(count).toBe(1);
  });
});
