import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import type { FeedRunStore } from '../feed/ports';
import { newestFirst, type FeedRun, type FeedRunStatus } from '../feed/runs';
import { readQuery } from './http/body';
import { badContinuation, decodeContinuation, encodeContinuation } from './http/continuation';
import { requireRole } from './http/identity';
import { json, problem } from './http/problem';
import { feedComposition } from '../app/services';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FINISHED: ReadonlySet<FeedRunStatus> = new Set(['COMPLETED', 'REJECTED', 'SUPERSEDED']);

/**
 * A run as `openapi.yaml` (`FeedRunReport`) shows it: the report's counts beside the run, `startedAt` and
 * `completedAt` (null while it verifies or applies). `withLists` adds the report's lists (rejected lines,
 * amount mismatches, missing from feed); a page of runs carries the counts only.
 */
export function feedRunReport(run: FeedRun, withLists: boolean) {
  const { report } = run;
  return {
    id: run.id,
    businessDate: run.businessDate,
    version: run.version,
    status: run.status,
    ...(run.reason ? { reason: run.reason } : {}),
    file: run.file,
    sha256: run.sha256,
    rowCount: run.rowCount,
    duplicateDrops: run.duplicateDrops,
    ...(report
      ? {
          rowsRead: report.rowsRead,
          campaignRows: report.campaignRows,
          applied: report.applied,
          duplicateRows: report.duplicateRows,
          ignored: report.ignored,
          rejected: { count: report.rejected.count, ...(withLists ? { lines: report.rejected.lines } : {}) },
          matched: report.matchedRealtime,
          feedOnly: report.feedOnly,
          amountMismatches: {
            count: report.amountMismatches.count,
            ...(withLists ? { items: report.amountMismatches.items } : {}),
          },
          missingFromFeed: {
            since: report.missingFromFeed.since,
            count: report.missingFromFeed.count,
            ...(withLists ? { items: report.missingFromFeed.items } : {}),
          },
        }
      : {}),
    startedAt: run.createdAt,
    completedAt: FINISHED.has(run.status) ? run.updatedAt : null,
  };
}

const runKey = z.object({
  businessDate: z.string().regex(DATE),
  version: z.number().int().positive(),
  id: z.string().min(1),
});
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  continuationToken: z.string().min(1).optional(),
});
const SCOPE = 'ops/feeds';

/**
 * GET /api/ops/feeds: runs newest business date first (then highest version), one page at a time, and
 * the settlement watermark. The token is the key of the page's last run, so runs saved meanwhile never
 * shift a page and every run is reached.
 */
export async function opsFeeds(request: HttpRequest, runs: FeedRunStore): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return caller.response;
  const query = readQuery(request, pageQuery);
  if (!query.ok) return query.response;
  const { limit, continuationToken } = query.value;
  const after = continuationToken ? decodeContinuation(SCOPE, continuationToken, runKey) : undefined;
  if (continuationToken && !after) return badContinuation();
  const [found, watermark] = await Promise.all([
    runs.listRunsNewestFirst(limit + 1, after),
    runs.readWatermark(),
  ]);
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  return json(200, {
    watermark,
    items: page.map((run) => feedRunReport(run, false)),
    ...(found.length > limit && last
      ? {
          continuationToken: encodeContinuation(SCOPE, {
            businessDate: last.businessDate,
            version: last.version,
            id: last.id,
          }),
        }
      : {}),
  });
}

/**
 * GET /api/ops/feeds/{businessDate}: every run of the date (newest version first) with its full report;
 * `current` is the completed run of the highest version (the one the ledger holds), null when none.
 */
export async function opsFeedDate(request: HttpRequest, runs: FeedRunStore): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return caller.response;
  const businessDate = request.params.businessDate ?? '';
  if (!DATE.test(businessDate)) {
    return problem(400, 'REQUEST.VALIDATION', 'businessDate must be YYYY-MM-DD', [
      { path: 'businessDate', message: 'not a date' },
    ]);
  }
  const found = await runs.listRuns(businessDate);
  if (found.length === 0) return problem(404, 'FEED.NOT_FOUND', `no feed run for ${businessDate}`);
  const ordered = found.sort(newestFirst);
  const current = ordered.find((run) => run.status === 'COMPLETED');
  return json(200, {
    businessDate,
    current: current ? feedRunReport(current, true) : null,
    runs: ordered.map((run) => feedRunReport(run, true)),
  });
}

function bound(handler: (request: HttpRequest, runs: FeedRunStore) => Promise<HttpResponseInit>) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      return await handler(request, feedComposition().base.runs);
    } catch (error) {
      context.error(`${request.method} ${new URL(request.url).pathname} failed`, error);
      return problem(500, 'INTERNAL', 'the request could not be completed; it is safe to retry');
    }
  };
}

app.http('opsFeeds', {
  methods: ['GET'],
  route: 'ops/feeds',
  authLevel: 'anonymous',
  handler: bound(opsFeeds),
});
app.http('opsFeedDate', {
  methods: ['GET'],
  route: 'ops/feeds/{businessDate}',
  authLevel: 'anonymous',
  handler: bound(opsFeedDate),
});
