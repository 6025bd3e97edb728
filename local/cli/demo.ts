import { DateTime } from 'luxon';
import type { LocalClient, Reply } from './client';
import { consoleLink } from './consoleLink';
import { DEMO_COHORT, EVENT_HOUR, FEED_HEADER, localDate, localInstant, planDemo } from './demoScenario';

export interface DemoOptions {
  zone: string;
  feedStartDate: string;
}

interface Enrolled {
  memberId: string;
  enrolledAt: string;
  lastGraceDate: string;
  evaluationAt: string;
}

interface Progress {
  state?: string;
  progress?: string;
  decision?: { outcome?: string } | null;
  reward?: { status?: string; points?: number } | null;
}

function ok(reply: Reply, what: string): Reply {
  if (reply.status >= 400) throw new Error(`${what} failed: HTTP ${reply.status} ${reply.text}`);
  return reply;
}

/**
 * Why the runtime's data dir is not fresh (undefined when it is): the demo drops a feed file per date
 * from the clock's start, so any earlier run of a date makes those drops VERSION_CONFLICT and every
 * outcome wrong. Refusing at once beats playing a whole campaign to report a false failure.
 */
export async function usedBy(client: LocalClient): Promise<string | undefined> {
  const token = await client.token({ ops: true });
  const feeds = ok(await client.api('GET', '/api/ops/feeds?limit=1', { token }), 'feed runs').body as {
    items: { businessDate: string }[];
  };
  const funnel = ok(await client.api('GET', '/api/ops/funnel', { token }), 'funnel').body as {
    counts: Record<string, number>;
  };
  const members = Object.values(funnel.counts).reduce((a, b) => a + b, 0);
  if (feeds.items.length === 0 && members === 0) return undefined;
  const what = [
    ...(members > 0 ? [`${members} enrolled member(s)`] : []),
    ...(feeds.items[0] ? [`feed runs up to ${feeds.items[0].businessDate}`] : []),
  ].join(' and ');
  return `it already holds ${what}, so the demo's feed files would hit VERSION_CONFLICT and its outcomes would be wrong; start the runtime on a new one (npm start -- --clock virtual --data-dir .local/demo-2) and pass the same --data-dir to the demo`;
}

/**
 * Runs a small cohort through a whole campaign on the virtual clock, driving only public interfaces:
 * enrolment over HTTP, real-time messages on the queue, one feed file per business date, the clock.
 * Prints each member's outcome against the expected one; resolves false if any differs.
 */
export async function runDemo(
  client: LocalClient,
  print: (line: string) => void,
  o: DemoOptions,
): Promise<boolean> {
  const clock = ok(await client.admin('GET', '/_local/clock'), 'clock').body as { mode: string; now: string };
  if (clock.mode !== 'virtual')
    throw new Error('the demo needs the virtual clock: npm start -- --clock virtual --data-dir .local/demo');
  const used = await usedBy(client);
  if (used) throw new Error(`the demo needs a fresh data dir: ${used}`);
  const advanceTo = async (iso: string): Promise<void> => {
    const now = (ok(await client.admin('GET', '/_local/clock'), 'clock').body as { now: string }).now;
    if (Date.parse(iso) > Date.parse(now))
      ok(await client.admin('POST', '/_local/clock/advance', { to: iso }), 'advance');
    ok(await client.admin('GET', '/_local/idle?timeoutMs=120000'), 'idle');
  };
  // enrol at 09:00 local, so the day's transactions (10:00) fall inside the window
  const nowLocal = DateTime.fromISO(clock.now, { zone: o.zone });
  const nine = nowLocal.set({ hour: EVENT_HOUR - 1, minute: 0, second: 0, millisecond: 0 });
  await advanceTo((nine > nowLocal ? nine : nine.plus({ days: 1 })).toISO() as string);
  const tag = (nine > nowLocal ? nine : nine.plus({ days: 1 })).toFormat('yyyyMMdd');
  const enrolmentToken = await client.token({ enrolment: true });
  const members: (Enrolled & { member: (typeof DEMO_COHORT)[number] })[] = [];
  for (const member of DEMO_COHORT) {
    const memberId = `M-${tag}-${member.suffix}`;
    const reply = ok(
      await client.api('POST', '/api/enrolments', { token: enrolmentToken, body: { memberId } }),
      `enrolment of ${memberId}`,
    );
    members.push({ ...(reply.body as Enrolled), member });
  }
  const first = members[0] as Enrolled;
  const day0 = DateTime.fromISO(first.enrolledAt, { zone: o.zone }).toISODate() as string;
  const lastDay = Math.round(
    DateTime.fromISO(first.lastGraceDate, { zone: o.zone }).diff(
      DateTime.fromISO(day0, { zone: o.zone }),
      'days',
    ).days,
  );
  print(
    `enrolled ${members.length} members on ${day0} (${o.zone}); last grace date ${first.lastGraceDate}, evaluation at ${first.evaluationAt}`,
  );
  const plan = planDemo(
    members.map((m) => ({ memberId: m.memberId, member: m.member })),
    day0,
    o.zone,
  );

  const drop = async (date: string): Promise<void> => {
    const csv = [FEED_HEADER, ...(plan.feedRows.get(date) ?? [])].join('\n') + '\n';
    ok(await client.admin('POST', '/_local/feeds', { businessDate: date, csv }), `feed ${date}`);
  };
  for (let d = DateTime.fromISO(o.feedStartDate); d.toISODate()! < day0; d = d.plus({ days: 1 }))
    await drop(d.toISODate()!);
  const table = async (title: string): Promise<Map<string, Progress>> => {
    print(`\n${title}`);
    const out = new Map<string, Progress>();
    for (const m of members) {
      const p = (
        await client.api('GET', '/api/me/progress', { token: await client.token({ member: m.memberId }) })
      ).body as Progress;
      out.set(m.memberId, p);
      const reward = p.reward?.points ? `, ${p.reward.points} points ${p.reward.status ?? ''}` : '';
      print(
        `  ${m.memberId.padEnd(22)} ${String(p.state).padEnd(15)} progress ${String(p.progress).padStart(8)}${reward}  — ${m.member.story}`,
      );
    }
    return out;
  };

  for (let day = 0; day <= lastDay; day += 1) {
    await advanceTo(localInstant(day0, day, o.zone, EVENT_HOUR, 5));
    const due = plan.realtime.filter((s) => s.day === day);
    if (due.length > 0)
      ok(
        await client.admin(
          'POST',
          '/_local/queues/card-transactions/messages',
          due.map((s) => ({ messageId: s.messageId, body: s.body })),
        ),
        'publish',
      );
    await advanceTo(localInstant(day0, day + 1, o.zone, 1));
    await drop(localDate(day0, day, o.zone));
    if (day === 5) await table(`day 5 (${localDate(day0, day, o.zone)}):`);
  }
  await advanceTo(DateTime.fromISO(first.evaluationAt).plus({ hours: 2 }).toISO() as string);
  const final = await table('after the evaluation:');
  print('');
  let allAsExpected = true;
  for (const m of members) {
    const p = final.get(m.memberId) ?? {};
    const got =
      p.state === 'COMPLETE'
        ? `COMPLETE (${(p.reward?.points ?? 0).toLocaleString('en-AU')} points)`
        : String(p.state);
    const asExpected = got === m.member.expected;
    allAsExpected &&= asExpected;
    print(
      `  ${asExpected ? 'ok  ' : 'DIFF'} ${m.memberId}: ${got}${asExpected ? '' : ` (expected ${m.member.expected})`}`,
    );
  }
  await printConsoleLinks(
    client,
    members.map((m) => m.memberId),
    print,
  );
  return allAsExpected;
}

/** The demo's closing lines: a sign-in link to each member's view, then one to the ops console. */
export async function printConsoleLinks(
  client: LocalClient,
  memberIds: readonly string[],
  print: (line: string) => void,
): Promise<void> {
  print('\nwhat each member sees (open in a browser; the links sign in with a dev token):');
  for (const memberId of memberIds)
    print(`  ${memberId}: ${await consoleLink(client, { member: memberId })}`);
  print(`  ops console: ${await consoleLink(client, { ops: true })}`);
}
