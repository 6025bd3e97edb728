import { campaignWindow, instantMs, toUtcIso } from './calendar';
import { durationMs, type CampaignConfig } from './campaignConfig';
import type { Enrolment } from './ledger';
import { fail, ok, type Result } from './result';

/** How far in the future `enrolledAt` may lie, for clock skew between systems (SPEC §2). */
export const ENROLMENT_FUTURE_TOLERANCE_MS = 60_000;

export type EnrolmentRejectCode = 'ENROLMENT.TOO_OLD' | 'ENROLMENT.IN_FUTURE';

/**
 * Builds an enrolment: `enrolledAt` defaults to the receipt time and must lie within
 * [receipt − maxEnrolmentBackdate, receipt + 1 minute]. The configuration is snapshotted here.
 */
export function createEnrolment(
  input: { memberId: string; enrolledAt?: string },
  receivedAtIso: string,
  config: CampaignConfig,
): Result<Enrolment, EnrolmentRejectCode> {
  const enrolledAt = toUtcIso(input.enrolledAt ?? receivedAtIso);
  const received = instantMs(receivedAtIso);
  const at = instantMs(enrolledAt);
  if (at < received - durationMs(config.maxEnrolmentBackdate)) {
    return fail(
      'ENROLMENT.TOO_OLD',
      `enrolledAt ${enrolledAt} is more than ${config.maxEnrolmentBackdate} before receipt`,
    );
  }
  if (at > received + ENROLMENT_FUTURE_TOLERANCE_MS) {
    return fail('ENROLMENT.IN_FUTURE', `enrolledAt ${enrolledAt} is more than one minute after receipt`);
  }
  return ok({
    memberId: input.memberId,
    campaignId: config.campaignId,
    enrolledAt,
    config,
    window: campaignWindow(enrolledAt, config),
  });
}
