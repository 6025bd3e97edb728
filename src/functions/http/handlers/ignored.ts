import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { mapBounded } from '../../../adapters/concurrency';
import { addDays, IGNORED_REASONS, localDateOf, type IgnoredReason, type LocalDate } from '../../../domain';
import { queryDate, readQuery } from '../body';
import type { HttpDeps } from '../deps';
import { requireRole } from '../identity';
import { json, problem } from '../problem';

/** Days one request may span: a month of counts, one partition read per reason and day. */
export const MAX_IGNORED_DAYS = 31;
const DEFAULT_DAYS = 7;
/** Days read at once (three COUNT queries each), so a month's read does not burst into throttling. */
const DAYS_IN_FLIGHT = 4;

const ignoredQuery = z.object({ from: queryDate.optional(), to: queryDate.optional() });

/**
 * GET /api/ops/realtime/ignored: real-time messages acknowledged without effect (SPEC §3 unknown methods,
 * §7 members not enrolled, and spending types), per local date of their enqueue time and reason, each
 * message counted once however often it was delivered. Defaults to the 7 days up to today.
 */
export async function opsIgnoredMessages(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return caller.response;
  const query = readQuery(request, ignoredQuery);
  if (!query.ok) return query.response;
  const { settings, repos, now } = deps.services;
  const { timeZone, campaignId } = settings.campaign;
  const to = query.value.to ?? localDateOf(now(), timeZone);
  const from = query.value.from ?? addDays(to, 1 - DEFAULT_DAYS);
  const dates = datesFrom(from, to);
  if (dates.length === 0 || dates.length > MAX_IGNORED_DAYS) {
    return problem(
      400,
      'REQUEST.VALIDATION',
      `from must be on or before to, at most ${MAX_IGNORED_DAYS} days apart`,
      [{ path: 'from', message: `${from}..${to} is not a range of 1 to ${MAX_IGNORED_DAYS} days` }],
    );
  }
  const days = await mapBounded(dates, DAYS_IN_FLIGHT, async (day) => ({
    date: day,
    counts: await repos.ignored.countsOn(day),
  }));
  const totals = Object.fromEntries(
    IGNORED_REASONS.map((r) => [r, days.reduce((sum, d) => sum + d.counts[r], 0)]),
  ) as Record<IgnoredReason, number>;
  return json(200, { campaignId, timeZone, from, to, days, totals });
}

/** Every date from `from` to `to` inclusive (empty when `from` is after `to`), at most one past the cap. */
function datesFrom(from: LocalDate, to: LocalDate): LocalDate[] {
  const dates: LocalDate[] = [];
  for (let d = from; d <= to && dates.length <= MAX_IGNORED_DAYS; d = addDays(d, 1)) dates.push(d);
  return dates;
}
