import * as df from 'durable-functions';
import '../../src/entities/member';
import '../../src/entities/notificationOutbox';
import '../../src/orchestrators/memberCampaign';
import '../../src/orchestrators/memberCampaignV2';
import { utf16Kb } from '../../local/durable/limits';
import { durableHarness, type Harness } from '../../local/durable/testing/harness';
import { campaignInputFor } from '../../src/app/enrolments';
import { createEnrolment, HELD_REFS_SHOWN } from '../../src/domain';
import { ACTIVITIES, MEMBER_CAMPAIGN_ORCHESTRATOR, MEMBER_ENTITY } from '../../src/durableNames';
import { config } from '../support/domainBuilders';

// Issue 16.3: the member orchestrator's custom status stays far under Azure's 16 KB (the engine enforces
// it, local/durable/README.md § Strictness) however many of the member's feed rows are held.

const ENROLLED_AT = '2026-11-25T09:00:00+11:00';
const LAST_GRACE_DATE = '2026-12-30';
const HELD_ROWS = 400;
jest.setTimeout(60_000); // 400 signals through the engine: a few seconds, more on a loaded machine

const raisedAlerts: unknown[] = [];
df.app.activity(ACTIVITIES.readWatermark, { handler: () => ({ watermark: LAST_GRACE_DATE }) });
df.app.activity(ACTIVITIES.raiseAlert, {
  handler: (input: unknown) => {
    raisedAlerts.push(input);
    return null;
  },
});
for (const name of [ACTIVITIES.recordDecision, ACTIVITIES.issuePoints, ACTIVITIES.recordIssuance]) {
  df.app.activity(name, {
    handler: () => {
      throw new Error(`${name} must not run while rows are held`);
    },
  });
}

interface HeldStatus {
  phase: string;
  reason: string;
  detail: string;
}

describe('memberCampaign custom status with hundreds of held feed rows', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('reports a count and a few references, within 16 KB, instead of failing the orchestration', async () => {
    const enrolment = createEnrolment({ memberId: 'M-HELD', enrolledAt: ENROLLED_AT }, ENROLLED_AT, config());
    if (!enrolment.ok) throw new Error(enrolment.detail);
    const input = campaignInputFor(enrolment.value);
    h = await durableHarness({ startMs: Date.parse(ENROLLED_AT) });
    const entity = new df.EntityId(MEMBER_ENTITY, 'M-HELD');
    const at = new Date(Date.parse(ENROLLED_AT)).toISOString();
    await h.client.signalEntity(entity, 'enrol', { enrolment: input.enrolment, at });
    for (let row = 1; row <= HELD_ROWS; row++) {
      const ref = `quarantine:FEED:2026-12-10:v1:line-${String(row).padStart(6, '0')}-member-M-HELD`;
      await h.client.signalEntity(entity, 'hold', {
        ref,
        businessDate: '2026-12-10',
        version: 1,
        reason: 'ROW_INVALID',
        at,
      });
    }
    await h.engine.whenIdle();

    const instanceId = await h.client.startNew(MEMBER_CAMPAIGN_ORCHESTRATOR, {
      instanceId: 'memberCampaign:held',
      input,
    });
    await h.clock.advanceTo(Date.parse(input.evaluationAt) + 60_000);
    await h.engine.whenIdle();

    const status = await h.client.getStatus(instanceId);
    expect(status.runtimeStatus).toBe('Running');
    const custom = status.customStatus as HeldStatus;
    expect(custom).toMatchObject({ phase: 'HELD_FOR_REVIEW', reason: 'QUARANTINE_HOLD' });
    expect(custom.detail).toMatch(new RegExp(`^${HELD_ROWS} quarantined feed rows: `));
    expect(custom.detail).toContain(`and ${HELD_ROWS - HELD_REFS_SHOWN} more`);
    expect(custom.detail).toContain('line-000001-member-M-HELD');
    expect(custom.detail).not.toContain(`line-${String(HELD_REFS_SHOWN + 1).padStart(6, '0')}`);
    expect(utf16Kb(JSON.stringify(custom))).toBeLessThan(2);
  });
});
