import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { campaignClient, type CampaignClient } from '../app/campaignClient';
import { services, type Services } from '../app/services';
import { durationMs, instantMs } from '../domain';

const BATCH = 500;

export interface SweepReport {
  due: number;
  stuck: number;
  started: number;
  alerts: number;
}

/**
 * Finds members past `evaluationAt` without a final decision and qualified rewards not yet issued, and
 * drives their campaigns again (restarting an instance that is not running). Idempotent: a decision is
 * never made twice (the entity keeps it) and a credit never issued twice (the idempotency key).
 */
export async function sweep(
  deps: { services: Services; client: CampaignClient },
  log: (line: string) => void,
): Promise<SweepReport> {
  const { repos, settings, now } = deps.services;
  const campaignId = settings.campaign.campaignId;
  const at = now();
  const report: SweepReport = { due: 0, stuck: 0, started: 0, alerts: 0 };
  const due = await repos.members.listDueForEvaluation(campaignId, at, BATCH);
  const stuck = await repos.rewards.listStuck(campaignId, at, BATCH);
  report.due = due.length;
  report.stuck = stuck.length;
  const memberIds = [...new Set([...due.map((d) => d.memberId), ...stuck.map((r) => r.memberId)])];
  for (const memberId of memberIds) {
    const enrolment = await repos.members.get(campaignId, memberId);
    if (!enrolment) continue;
    const action = await deps.client.ensureCampaign(enrolment, { restartIfIdle: true });
    if (action === 'STARTED' || action === 'RESTARTED') report.started += 1;
  }
  const stuckAfter = durationMs(settings.campaign.rewardStuckAfter);
  for (const reward of stuck) {
    if (instantMs(at) - instantMs(reward.decidedAt) >= stuckAfter) {
      report.alerts += 1;
      log(
        `OPS_ALERT REWARD_STUCK memberId=${reward.memberId} decidedAt=${reward.decidedAt} attempts=${reward.issuance?.attempts ?? 0}`,
      );
    }
  }
  return report;
}

app.timer('sweep', {
  schedule: '%SWEEP_SCHEDULE%',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: Timer, context: InvocationContext) => {
    const report = await sweep({ services: services(), client: campaignClient(df.getClient(context)) }, (l) =>
      context.warn(l),
    );
    context.log(
      `SWEEP due=${report.due} stuck=${report.stuck} started=${report.started} alerts=${report.alerts}`,
    );
  },
});
