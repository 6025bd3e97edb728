import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import type { CampaignClient } from '../app/campaignClient';
import { campaignClientOf } from '../app/durableClient';
import { wakeQueuedShards } from '../app/notifyWake';
import { services, type Services } from '../app/services';
import type { DueMember, RewardDoc } from '../adapters/ports';
import { durationMs, instantMs } from '../domain';

const PAGE = 500;

export interface SweepReport {
  due: number;
  stuck: number;
  started: number;
  alerts: number;
  failed: number;
}

/**
 * Finds members past `evaluationAt` without a final decision and qualified rewards not yet issued, and
 * drives their campaigns again (restarting an instance that is not running). Pages through all of them,
 * so members legitimately waiting (late feed, review holds) never hide one whose instance failed. One
 * member's failure is logged and counted, never stops the others. Idempotent: a decision is never made
 * twice (the entity keeps it) and a credit never issued twice (the idempotency key).
 */
export async function sweep(
  deps: { services: Services; client: CampaignClient },
  log: (line: string) => void,
): Promise<SweepReport> {
  const { repos, settings, now } = deps.services;
  const campaignId = settings.campaign.campaignId;
  const at = now();
  const report: SweepReport = { due: 0, stuck: 0, started: 0, alerts: 0, failed: 0 };
  const stuckAfter = durationMs(settings.campaign.rewardStuckAfter);
  const driven = new Set<string>();

  const drive = async (memberId: string) => {
    if (driven.has(memberId)) return;
    driven.add(memberId);
    try {
      const enrolment = await repos.members.get(campaignId, memberId);
      if (!enrolment) return;
      const action = await deps.client.ensureCampaign(enrolment, { restartIfIdle: true });
      if (action === 'STARTED' || action === 'RESTARTED') report.started += 1;
    } catch (error) {
      report.failed += 1;
      log(`SWEEP_FAILED memberId=${memberId} ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  for (let after: RewardDoc | undefined, page: RewardDoc[]; ; after = page.at(-1)) {
    page = await repos.rewards.listStuck(campaignId, at, PAGE, after);
    report.stuck += page.length;
    for (const reward of page) {
      // Alert before restarting: a failure to restart (often the outage that left it stuck) must not hide it.
      if (instantMs(at) - instantMs(reward.decidedAt) >= stuckAfter) {
        report.alerts += 1;
        log(
          `OPS_ALERT REWARD_STUCK memberId=${reward.memberId} decidedAt=${reward.decidedAt} attempts=${reward.issuance?.attempts ?? 0}`,
        );
      }
      await drive(reward.memberId);
    }
    if (page.length < PAGE) break;
  }
  for (let after: DueMember | undefined, page: DueMember[]; ; after = page.at(-1)) {
    page = await repos.members.listDueForEvaluation(campaignId, at, PAGE, after);
    report.due += page.length;
    for (const due of page) await drive(due.memberId);
    if (page.length < PAGE) break;
  }
  return report;
}

app.timer('sweep', {
  schedule: '%SWEEP_SCHEDULE%',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: Timer, context: InvocationContext) => {
    const report = await sweep({ services: services(), client: campaignClientOf(context) }, (l) =>
      context.warn(l),
    );
    // the notification outbox's safety net: a shard whose dispatch was never woken is drained now
    const woken = await wakeQueuedShards(campaignClientOf(context));
    if (woken.length > 0) context.warn(`NOTIFY_SAFETY_NET woke=${woken.join(',')}`);
    context.log(
      `SWEEP due=${report.due} stuck=${report.stuck} started=${report.started} alerts=${report.alerts} failed=${report.failed}`,
    );
  },
});
