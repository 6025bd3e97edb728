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
import { zeroCounters, type DurableCounters, type DurableStats } from '../../local/durable/counters';
import type { BenchRuntime } from './runtime';
import { fmt, mapLimit, ok } from './util';

export interface CampaignOptions {
  members: number;
  zone: string;
  feedStartDate: string;
  tag: string;
}

export interface CampaignResult {
  members: number;
  wallS: number;
  perMember: DurableCounters;
  /** Counters of the member orchestrations only (`memberCampaign:*`), per member. */
  orchestrationPerMember: DurableCounters;
  maxEpisodesOfOneMember: number;
  entityOpsOfMemberEntitiesPerMember: number;
  decisions: Record<string, number>;
  states: Record<string, number>;
  qualified: number;
  credits: number;
  qualifiedWithOneCredit: number;
  creditsOfNonQualified: number;
  membersWithSeveralCredits: number;
  unexpected: number;
  totals: DurableCounters;
}

interface Enrolled {
  memberId: string;
  enrolledAt: string;
  lastGraceDate: string;
  evaluationAt: string;
}

interface Progress {
  state?: string;
  decision?: { outcome?: string } | null;
  reward?: { status?: string; points?: number } | null;
}

function add(into: DurableCounters, c: DurableCounters): void {
  for (const k of Object.keys(into) as (keyof DurableCounters)[]) into[k] += c[k];
}

function per(c: DurableCounters, n: number): DurableCounters {
  const out = zeroCounters();
  for (const k of Object.keys(out) as (keyof DurableCounters)[]) out[k] = c[k] / n;
  return out;
}

/**
 * Part (b), virtual clock: the demo's four stories repeated over `members` members (enrolled at 09:00
 * local), one campaign day at a time (that day's real-time messages at 10:05, that day's feed file after
 * midnight, up to the last grace date), then past the evaluation; waits idle, reads every member's
 * progress, the points stand-in's credits and the durable engine's counters.
 */
export async function runCampaign(
  rt: BenchRuntime,
  o: CampaignOptions,
  log: (l: string) => void,
): Promise<CampaignResult> {
  const { client } = rt;
  const nowIso = async (): Promise<string> =>
    (ok(await client.admin('GET', '/_local/clock'), 'clock').body as { now: string }).now;
  const advanceTo = async (iso: string): Promise<void> => {
    if (Date.parse(iso) > Date.parse(await nowIso()))
      ok(await client.admin('POST', '/_local/clock/advance', { to: iso }), `advance to ${iso}`);
    ok(await client.admin('GET', '/_local/idle?timeoutMs=600000'), 'idle');
  };
  const started = performance.now();
  const wall = (): string => `${fmt((performance.now() - started) / 1000)} s`;

  const nowLocal = DateTime.fromISO(await nowIso(), { zone: o.zone });
  const nine = nowLocal.set({ hour: EVENT_HOUR - 1, minute: 0, second: 0, millisecond: 0 });
  const enrolAt = nine > nowLocal ? nine : nine.plus({ days: 1 });
  const feedsBefore = DateTime.fromISO(o.feedStartDate, { zone: o.zone });
  const day0 = enrolAt.toISODate() as string;
  // the feed files of the dates before enrolment, so the watermark is contiguous
  const drop = async (date: string, rows: string[]): Promise<void> => {
    const csv = [FEED_HEADER, ...rows].join('\n') + '\n';
    ok(await client.admin('POST', '/_local/feeds', { businessDate: date, csv }), `feed ${date}`);
  };
  for (let d = feedsBefore; (d.toISODate() as string) < day0; d = d.plus({ days: 1 }))
    await drop(d.toISODate() as string, []);
  await advanceTo(enrolAt.toISO() as string);
  log(`campaign: ${wall()} feeds before ${day0} dropped, clock at ${enrolAt.toISO()}`);

  const enrolToken = await client.token({ enrolment: true });
  const cohort = Array.from({ length: o.members }, (_, i) => ({
    memberId: `C${o.tag}-${String(i).padStart(5, '0')}`,
    member: DEMO_COHORT[i % DEMO_COHORT.length] as DemoMember,
  }));
  const enrolled = await mapLimit(cohort, 16, async (c) => {
    const reply = ok(
      await client.api('POST', '/api/enrolments', { token: enrolToken, body: { memberId: c.memberId } }),
      `enrolment of ${c.memberId}`,
    );
    return reply.body as Enrolled;
  });
  ok(await client.admin('GET', '/_local/idle?timeoutMs=600000'), 'idle');
  const first = enrolled[0] as Enrolled;
  const lastDay = Math.round(
    DateTime.fromISO(first.lastGraceDate, { zone: o.zone }).diff(
      DateTime.fromISO(day0, { zone: o.zone }),
      'days',
    ).days,
  );
  log(
    `campaign: ${wall()} enrolled ${enrolled.length} members on ${day0}; last grace date ${first.lastGraceDate} (day ${lastDay}), evaluation at ${first.evaluationAt}`,
  );

  const plan = planDemo(cohort, day0, o.zone);
  for (let day = 0; day <= lastDay; day += 1) {
    await advanceTo(localInstant(day0, day, o.zone, EVENT_HOUR, 5));
    const due = plan.realtime.filter((s) => s.day === day);
    for (let i = 0; i < due.length; i += 5000) {
      const batch = due.slice(i, i + 5000).map((s) => ({ messageId: s.messageId, body: s.body }));
      ok(await client.admin('POST', '/_local/queues/card-transactions/messages', batch), 'publish');
    }
    await advanceTo(localInstant(day0, day + 1, o.zone, 1));
    const date = localDate(day0, day, o.zone);
    const rows = plan.feedRows.get(date) ?? [];
    await drop(date, rows);
    ok(await client.admin('GET', '/_local/idle?timeoutMs=600000'), 'idle');
    log(
      `campaign: ${wall()} day ${day} (${date}): ${due.length} real-time message(s), feed with ${rows.length} row(s)`,
    );
  }
  await advanceTo(DateTime.fromISO(first.evaluationAt).plus({ hours: 2 }).toISO() as string);
  const wallS = (performance.now() - started) / 1000;
  log(`campaign: ${wall()} past the evaluation and idle; reading outcomes`);

  const stats = ok(await client.admin('GET', '/_local/durable/stats'), 'stats').body as DurableStats;
  const orchestrations = zeroCounters();
  let maxEpisodes = 0;
  let memberEntityOps = 0;
  for (const [id, c] of Object.entries(stats.byInstance)) {
    if (id.startsWith('memberCampaign:')) {
      add(orchestrations, c);
      maxEpisodes = Math.max(maxEpisodes, c.episodes);
    } else if (id.startsWith('@member@')) memberEntityOps += c.entityOperations;
  }

  const decisions: Record<string, number> = {};
  const states: Record<string, number> = {};
  const outcomes = await mapLimit(cohort, 16, async (c) => {
    const token = await client.token({ member: c.memberId });
    const p = ok(await client.api('GET', '/api/me/progress', { token }), `progress of ${c.memberId}`)
      .body as Progress;
    const outcome = p.decision?.outcome ?? 'NONE';
    decisions[outcome] = (decisions[outcome] ?? 0) + 1;
    states[String(p.state)] = (states[String(p.state)] ?? 0) + 1;
    const expected = c.member.expected.startsWith('COMPLETE') ? 'COMPLETE' : c.member.expected;
    return { memberId: c.memberId, qualified: outcome === 'QUALIFIED', asExpected: p.state === expected };
  });
  const res = await fetch(`${rt.pointsUrl}/_credits`);
  const { credits } = (await res.json()) as { credits: { memberId: string }[] };
  const creditsBy = new Map<string, number>();
  for (const credit of credits) creditsBy.set(credit.memberId, (creditsBy.get(credit.memberId) ?? 0) + 1);
  const qualified = outcomes.filter((x) => x.qualified);
  return {
    members: o.members,
    wallS,
    perMember: per(stats.total, o.members),
    orchestrationPerMember: per(orchestrations, o.members),
    maxEpisodesOfOneMember: maxEpisodes,
    entityOpsOfMemberEntitiesPerMember: memberEntityOps / o.members,
    decisions,
    states,
    qualified: qualified.length,
    credits: credits.length,
    qualifiedWithOneCredit: qualified.filter((x) => creditsBy.get(x.memberId) === 1).length,
    creditsOfNonQualified: outcomes.filter((x) => !x.qualified && creditsBy.has(x.memberId)).length,
    membersWithSeveralCredits: [...creditsBy.values()].filter((n) => n > 1).length,
    unexpected: outcomes.filter((x) => !x.asExpected).length,
    totals: stats.total,
  };
}
