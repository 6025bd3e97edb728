import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { mapBounded } from '../adapters/concurrency';
import type { DueMember, MemberStateDoc, RewardDoc } from '../adapters/ports';
import { isActive, isWaitingPhase, type CampaignClient } from '../app/campaignClient';
import { campaignClientOf } from '../app/durableClient';
import { instanceIdOf } from '../app/enrolments';
import { wakeQueuedShards } from '../app/notifyWake';
import { feedComposition, services, type Services } from '../app/services';
import { durationMs, instantMs } from '../domain';

const PAGE = 500;
/** Members driven at a time: status calls, starts and wake-ups to the task hub in flight. */
export const SWEEP_CONCURRENCY = 16;

export interface SweepReport {
  due: number;
  stuck: number;
  started: number;
  alerts: number;
  failed: number;
  /** Due members the projection shows waiting for a reason that still holds: no status call. */
  skipped: number;
  /** Running instances still waiting whose reason is gone (a lost wake-up): woken with `recheck`. */
  woken: number;
  /** Enrolments still flagged `startPending` (their orchestration's start not confirmed), looked for. */
  recent: number;
  statusCalls: number;
}

export interface SweepDeps {
  services: Services;
  client: CampaignClient;
  /** The settlement watermark (the feed's run store). */
  readWatermark: () => Promise<string | null>;
}

/**
 * A due member legitimately waiting, by its projection and the watermark now: for the watermark, while it
 * is still behind the last grace date; for a hold, while the hold is there. Anything else (no projection,
 * a wait whose reason is gone, not shown waiting) is looked at.
 */
export function knownWait(doc: MemberStateDoc | undefined, watermark: string | null): boolean {
  if (!doc || doc.decision !== null) return false;
  if (doc.waitingFor === 'WATERMARK_BEHIND')
    return doc.lastGraceDate !== undefined && (watermark === null || watermark < doc.lastGraceDate);
  return doc.waitingFor === 'QUARANTINE_HOLD' && doc.held;
}

/**
 * The safety net of the campaigns (SPEC §6, docs/flows.md § 5), bounded at any cohort size:
 * - qualified rewards not yet issued: alert after `rewardStuckAfter`, restart the instance if idle;
 * - members past `evaluationAt` without a decision: those the `memberStates` projection shows waiting for
 *   a reason that still holds are skipped (one query per page, no status call); the others get a status
 *   call: an idle instance is restarted, a running one still waiting is woken (`recheck`);
 * - enrolments still flagged `startPending` (the enrolment stores the flag and clears it once it has
 *   started the orchestration, so normally only those being written now): their orchestration is started
 *   if it never was, long before `evaluationAt`, and the flag cleared. The query reads only flagged
 *   enrolments, not a day's cohort.
 * `SWEEP_CONCURRENCY` members at a time. One member's failure is logged and counted, never stops the
 * others. Idempotent: a decision is never made twice (the entity keeps it) and a credit never issued
 * twice (the idempotency key).
 */
export async function sweep(deps: SweepDeps, log: (line: string) => void): Promise<SweepReport> {
  const { repos, settings, now } = deps.services;
  const campaignId = settings.campaign.campaignId;
  const at = now();
  const report: SweepReport = {
    due: 0,
    stuck: 0,
    started: 0,
    alerts: 0,
    failed: 0,
    skipped: 0,
    woken: 0,
    recent: 0,
    statusCalls: 0,
  };
  const stuckAfter = durationMs(settings.campaign.rewardStuckAfter);
  const driven = new Map<string, boolean>();

  /** Looks at the member's orchestration, starting, restarting or waking it; true if it now exists. */
  const look = async (memberId: string): Promise<boolean> => {
    try {
      const enrolment = await repos.members.get(campaignId, memberId);
      if (!enrolment) return false;
      report.statusCalls += 1;
      const current = await deps.client.status(instanceIdOf(enrolment));
      if (current && isActive(current.runtimeStatus)) {
        if (
          isWaitingPhase(current.customStatus) &&
          (await deps.client.wakeCampaign(enrolment, { by: 'SWEEP', at }))
        )
          report.woken += 1;
        return true;
      }
      const action = await deps.client.ensureCampaign(enrolment, { restartIfIdle: true });
      if (action === 'STARTED' || action === 'RESTARTED') report.started += 1;
      return true;
    } catch (error) {
      report.failed += 1;
      log(`SWEEP_FAILED memberId=${memberId} ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };
  /** Each member is looked at once a pass, whichever of its queries finds it first. */
  const drive = async (memberId: string): Promise<boolean> => {
    const known = driven.get(memberId);
    if (known !== undefined) return known;
    const exists = await look(memberId);
    driven.set(memberId, exists);
    return exists;
  };
  const projections = async (memberIds: readonly string[]) =>
    new Map((await repos.memberStates.getMany(campaignId, memberIds)).map((d) => [d.memberId, d]));

  for (let after: RewardDoc | undefined, page: RewardDoc[]; ; after = page.at(-1)) {
    page = await repos.rewards.listStuck(campaignId, at, PAGE, after);
    report.stuck += page.length;
    // Alert before restarting: a failure to restart (often the outage that left it stuck) must not hide it.
    for (const reward of page) {
      if (instantMs(at) - instantMs(reward.decidedAt) >= stuckAfter) {
        report.alerts += 1;
        log(
          `OPS_ALERT REWARD_STUCK memberId=${reward.memberId} decidedAt=${reward.decidedAt} attempts=${reward.issuance?.attempts ?? 0}`,
        );
      }
    }
    await mapBounded(page, SWEEP_CONCURRENCY, (reward) => drive(reward.memberId));
    if (page.length < PAGE) break;
  }

  const watermark = await deps.readWatermark();
  for (let after: DueMember | undefined, page: DueMember[]; ; after = page.at(-1)) {
    page = await repos.members.listDueForEvaluation(campaignId, at, PAGE, after);
    report.due += page.length;
    const shown = await projections(page.map((d) => d.memberId));
    const look = page.filter((d) => !knownWait(shown.get(d.memberId), watermark));
    report.skipped += page.length - look.length;
    await mapBounded(look, SWEEP_CONCURRENCY, (d) => drive(d.memberId));
    if (page.length < PAGE) break;
  }

  for (let after: string | undefined, page: string[]; ; after = page.at(-1)) {
    page = await repos.members.listStartPending(campaignId, PAGE, after);
    report.recent += page.length;
    await mapBounded(page, SWEEP_CONCURRENCY, async (memberId) => {
      if (await drive(memberId)) await repos.members.markStarted(campaignId, memberId);
    });
    if (page.length < PAGE) break;
  }
  return report;
}

app.timer('sweep', {
  schedule: '%SWEEP_SCHEDULE%',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: Timer, context: InvocationContext) => {
    const client = campaignClientOf(context);
    const readWatermark = () => feedComposition().base.runs.readWatermark();
    const report = await sweep({ services: services(), client, readWatermark }, (l) => context.warn(l));
    // the notification outbox's safety net: a shard whose dispatch was never woken is drained now
    const woken = await wakeQueuedShards(client);
    if (woken.length > 0) context.warn(`NOTIFY_SAFETY_NET woke=${woken.join(',')}`);
    context.log(
      `SWEEP due=${report.due} skipped=${report.skipped} stuck=${report.stuck} recent=${report.recent} ` +
        `started=${report.started} woken=${report.woken} alerts=${report.alerts} failed=${report.failed} ` +
        `statusCalls=${report.statusCalls}`,
    );
  },
});
