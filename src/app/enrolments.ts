import { durationMs, type Enrolment } from '../domain';
import { memberCampaignInstanceId } from '../durableNames';
import type { MemberCampaignInput } from '../orchestrators/memberCampaignInput';

/** The member orchestrator's input, from the enrolment's own configuration snapshot. */
export function campaignInputFor(enrolment: Enrolment): MemberCampaignInput {
  const { config, window } = enrolment;
  return {
    enrolment: {
      memberId: enrolment.memberId,
      campaignId: enrolment.campaignId,
      enrolledAt: enrolment.enrolledAt,
      config,
      window,
    },
    memberId: enrolment.memberId,
    campaignId: enrolment.campaignId,
    evaluationAt: window.evaluationAt,
    lastGraceDate: window.lastGraceDate,
    rewardPoints: config.rewardPoints,
    feedLateAlertAfterMs: durationMs(config.feedLateAlertAfter),
    watermarkRecheckMs: durationMs(config.watermarkRecheck),
    alerted: false,
  };
}

export function instanceIdOf(enrolment: Pick<Enrolment, 'campaignId' | 'memberId'>): string {
  return memberCampaignInstanceId(enrolment.campaignId, enrolment.memberId);
}
