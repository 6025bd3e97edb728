import { DateTime } from 'luxon';
import {
  DEMO_COHORT,
  EVENT_HOUR,
  FEED_HEADER,
  localDate,
  localInstant,
  planDemo,
  type DemoMember,
} from '../../local/cli/demoScenario';
import type { DurableCounters, DurableStats } from '../../local/durable/counters';
import type { CosmosReadCounters } from '../../local/emulators/cosmos';
import type { BenchRuntime } from '../bench-local/runtime';
import { fmt, mapLimit, ok, percentile } from '../bench-local/util';

export interface ScaleOptions {
  members: number;
  /** Share of the cohort with a quarantined feed row (held for review), released by a re-drive. */
  heldShare: number;
  /** Share of the cohort enrolled a day later, whose last grace date's feed file arrives late. */
  lateShare: number;
  /** Days the held members stay held after their evaluation. */
  heldDays: number;
  /** Days the late members' feed file is late. */
  lateDays: number;
  zone: string;
  feedStartDate: string;
  tag: string;
}

export interface ScaleResult {
  members: number;
  wallS: number;
  episodesPerMember: number;
  entityOpsPerMember: number;
  timersPerMember: number;
  heldMemberEpisodes: number;
  lateFeedMemberEpisodes: number;
  notifyLagP99S: number;
  notifications: number;
  funnelDocsRead: number;
  sweepStatusCalls: number;
  /** Members undecided and waiting when the sweep pass was counted. */
  waitingAtSweep: number;
  funnel: Record<string, number>;
  totals: DurableCounters;
}

interface Enrolled {
  memberId: string;
  lastGraceDate: string;
  evaluationAt: string;
}

interface StoredMessage {
  body: string;
  enqueuedAtMs: number;
  subject: string | null;
}

interface Member {
  memberId: string;
  member: DemoMember;
  kind: 'main' | 'held' | 'late';
}

/** The cohort: the demo's four stories in turn; every `1/heldShare`-th held, the last `lateShare` late. */
export function scaleCohort(o: Pick<ScaleOptions, 'members' | 'heldShare' | 'lateShare' | 'tag'>): Member[] {
  const late = Math.max(1, Math.round(o.members * o.lateShare));
  const heldEvery = Math.max(1, Math.round(1 / o.heldShare));
  return Array.from({ length: o.members }, (_, i) => ({
    memberId: `S${o.tag}-${String(i).padStart(6, '0')}`,
    member: DEMO_COHORT[i % DEMO_COHORT.length] as DemoMember,
    kind: i >= o.members - late ? 'late' : i % heldEvery === heldEvery - 1 ? 'held' : 'main',
  }));
}

/** A feed row whose amount does not parse: quarantined, and its member held for review. */
function badRow(memberId: string, day0: string, day: number, zone: string): string {
  const at = localInstant(day0, day, zone, EVENT_HOUR);
  return [`${memberId}-BAD`, memberId, 'LOAD', 'APPLE_PAY', 'SETTLED', '12.3.4', 'AUD', '12.3.4', at, at]
    .concat(localDate(day0, day, zone))
    .join(',');
}

/**
 * The scale scenario on the virtual clock: the main cohort (with a share held) enrolls on day 0, the
 * late share on day 1, so all of day 0's cohort reaches `evaluationAt` on one night. The demo's
 * transactions run day by day; the feed file of each date arrives at 01:00 the next day, except the
 * late members' last grace date, whose file arrives `lateDays` later. The held members are re-driven by
 * ops `heldDays` after their evaluation. Measured: the durable engine's counters per member and of one
 * held and one late member, the lag of the decision night's notifications, the documents one funnel
 * call reads, and the status calls of one sweep pass while every member of the night waits.
 */
/** Virtual time one admin advance covers. */
const ADVANCE_STEP_MS = 3_600_000;

export async function runScale(
  rt: BenchRuntime,
  o: ScaleOptions,
  log: (l: string) => void,
): Promise<ScaleResult> {
  const { client } = rt;
  const admin = async (method: string, path: string, body?: unknown) =>
    ok(await client.admin(method, path, body), `${method} ${path}`).body;
  const nowIso = async (): Promise<string> => ((await admin('GET', '/_local/clock')) as { now: string }).now;
  const idle = () => admin('GET', '/_local/idle?timeoutMs=3600000');
  // an hour at a time: one admin call must stay under fetch's 300-second wait for response headers, and at
  // 10,000 members on a loaded 2-core machine one virtual day of timers took longer than that
  const advanceTo = async (iso: string): Promise<void> => {
    for (let now = Date.parse(await nowIso()); now < Date.parse(iso); now = Date.parse(await nowIso())) {
      const to = new Date(Math.min(Date.parse(iso), now + ADVANCE_STEP_MS)).toISOString();
      await admin('POST', '/_local/clock/advance', { to });
    }
    await idle();
  };
  const stats = async () => (await admin('GET', '/_local/durable/stats')) as DurableStats;
  const cosmosReads = async () => (await admin('GET', '/_local/cosmos/stats')) as CosmosReadCounters;
  const started = performance.now();
  const wall = (): string => `${fmt((performance.now() - started) / 1000)} s`;
  const drop = async (date: string, rows: readonly string[]): Promise<void> => {
    await admin('POST', '/_local/feeds', {
      businessDate: date,
      csv: [FEED_HEADER, ...rows].join('\n') + '\n',
    });
  };

  const start = DateTime.fromISO(await nowIso(), { zone: o.zone });
  const nine = start.set({ hour: EVENT_HOUR - 1, minute: 0, second: 0, millisecond: 0 });
  const enrolAt = nine > start ? nine : nine.plus({ days: 1 });
  const day0 = enrolAt.toISODate() as string;
  const day1 = localDate(day0, 1, o.zone);
  for (let d = DateTime.fromISO(o.feedStartDate, { zone: o.zone }); (d.toISODate() as string) < day0;) {
    await drop(d.toISODate() as string, []);
    d = d.plus({ days: 1 });
  }
  const cohort = scaleCohort(o);
  const onTime = cohort.filter((m) => m.kind !== 'late');
  const late = cohort.filter((m) => m.kind === 'late');
  const held = cohort.filter((m) => m.kind === 'held');

  const enrolToken = await client.token({ enrolment: true });
  const enrol = async (members: readonly Member[]): Promise<Enrolled[]> =>
    mapLimit(members, 16, async (m) => {
      const path = '/api/enrolments';
      const reply = await client.api('POST', path, { token: enrolToken, body: { memberId: m.memberId } });
      return ok(reply, `enrolment of ${m.memberId}`).body as Enrolled;
    });
  await advanceTo(enrolAt.toISO() as string);
  const [first] = await enrol(onTime);
  log(`scale ${o.members}: ${wall()} enrolled ${onTime.length} on ${day0} (${held.length} to be held)`);
  await advanceTo(localInstant(day0, 1, o.zone, EVENT_HOUR - 1));
  const [firstLate] = await enrol(late);
  if (!first || !firstLate) throw new Error('enrolment answered nothing');
  log(`scale ${o.members}: ${wall()} enrolled ${late.length} late-feed members on ${day1}`);

  // One timeline of the two cohorts: real-time messages by absolute day, feed rows by date.
  const mainPlan = planDemo(onTime, day0, o.zone);
  const latePlan = planDemo(late, day1, o.zone);
  const realtime = [...mainPlan.realtime, ...latePlan.realtime.map((s) => ({ ...s, day: s.day + 1 }))];
  const feedRows = new Map(mainPlan.feedRows);
  for (const [date, rows] of latePlan.feedRows) feedRows.set(date, [...(feedRows.get(date) ?? []), ...rows]);
  const holdDate = localDate(day0, 5, o.zone);
  feedRows.set(holdDate, [
    ...(feedRows.get(holdDate) ?? []),
    ...held.map((m) => badRow(m.memberId, day0, 5, o.zone)),
  ]);

  const lastDay = Math.round(
    DateTime.fromISO(first.lastGraceDate, { zone: o.zone }).diff(
      DateTime.fromISO(day0, { zone: o.zone }),
      'days',
    ).days,
  );
  const lateDate = firstLate.lastGraceDate;
  let sweepStatusCalls = NaN;
  for (let day = 0; day <= lastDay + 1; day += 1) {
    await advanceTo(localInstant(day0, day, o.zone, EVENT_HOUR, 5));
    const due = realtime.filter((s) => s.day === day).map((s) => ({ messageId: s.messageId, body: s.body }));
    for (let i = 0; i < due.length; i += 5000)
      await admin('POST', '/_local/queues/card-transactions/messages', due.slice(i, i + 5000));
    if (day === lastDay) {
      // The decision night: between evaluationAt (00:00) and the last grace date's file (01:00) every
      // member of the night waits; count the status calls of the sweep pass at 00:15.
      const evaluationAt = Date.parse(first.evaluationAt);
      await advanceTo(new Date(evaluationAt + 60_000).toISOString());
      const before = (await stats()).total.statusQueries;
      await advanceTo(new Date(evaluationAt + 16 * 60_000).toISOString());
      sweepStatusCalls = (await stats()).total.statusQueries - before;
      log(
        `scale ${o.members}: ${wall()} one sweep pass on the decision night: ${sweepStatusCalls} status call(s)`,
      );
    }
    await advanceTo(localInstant(day0, day + 1, o.zone, 1));
    const date = localDate(day0, day, o.zone);
    if (date !== lateDate) await drop(date, feedRows.get(date) ?? []);
    await idle();
    log(`scale ${o.members}: ${wall()} day ${day} (${date}): ${due.length} real-time message(s)`);
  }
  const lateArrival = DateTime.fromISO(firstLate.evaluationAt).plus({ days: o.lateDays, hours: 1 });
  await advanceTo(lateArrival.toISO() as string);
  await drop(lateDate, feedRows.get(lateDate) ?? []);
  await idle();
  log(`scale ${o.members}: ${wall()} the feed of ${lateDate} arrived ${o.lateDays} days late`);

  const redriveAt = DateTime.fromISO(first.evaluationAt).plus({ days: o.heldDays });
  await advanceTo(redriveAt.toISO() as string);
  const opsToken = await client.token({ ops: true });
  await mapLimit(held, 16, async (m) =>
    ok(
      await client.api('POST', `/api/ops/members/${m.memberId}/redrive`, { token: opsToken }),
      `re-drive of ${m.memberId}`,
    ),
  );
  await advanceTo(redriveAt.plus({ hours: 2 }).toISO() as string);
  const wallS = (performance.now() - started) / 1000;
  log(`scale ${o.members}: ${wall()} ${held.length} held member(s) re-driven after ${o.heldDays} days; idle`);

  const readsBefore = await cosmosReads();
  const entityReadsBefore = (await stats()).total.entityStateReads;
  const funnelReply = ok(await client.api('GET', '/api/ops/funnel', { token: opsToken }), 'funnel');
  const funnelDocsRead =
    (await cosmosReads()).documentsRead -
    readsBefore.documentsRead +
    ((await stats()).total.entityStateReads - entityReadsBefore);
  const funnel = (funnelReply.body as { counts: Record<string, number> }).counts;

  const s = await stats();
  const episodesOf = (members: readonly Member[]) =>
    Math.max(
      0,
      ...members.map(
        (m) => s.byInstance[`memberCampaign:cold-member-activation:${m.memberId}`]?.episodes ?? 0,
      ),
    );
  const night = Date.parse(first.evaluationAt);
  const topic = (await admin(
    'GET',
    `/_local/topics/member-progress/messages?limit=${4 * o.members}`,
  )) as StoredMessage[];
  const lags = topic
    .map((m) => ({ m, at: Date.parse((JSON.parse(m.body) as { at: string }).at) }))
    .filter(({ at }) => at >= night && at < night + 86_400_000)
    .map(({ m, at }) => (m.enqueuedAtMs - at) / 1000)
    .sort((a, b) => a - b);
  return {
    members: o.members,
    wallS,
    episodesPerMember: s.total.episodes / o.members,
    entityOpsPerMember: s.total.entityOperations / o.members,
    timersPerMember: s.total.timersFired / o.members,
    heldMemberEpisodes: episodesOf(held),
    lateFeedMemberEpisodes: episodesOf(late),
    notifyLagP99S: percentile(lags, 99),
    notifications: lags.length,
    funnelDocsRead,
    sweepStatusCalls,
    waitingAtSweep: onTime.length,
    funnel,
    totals: s.total,
  };
}
