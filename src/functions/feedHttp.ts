import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { summaryOf } from '../feed/documents';
import type { FeedRunStore } from '../feed/ports';
import { feedComposition } from './feedServices';
import { requireRole } from './http/identity';
import { json, problem } from './http/problem';

const LIST_LIMIT = 60;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** GET /api/ops/feeds: the newest runs (summaries with report counts) and the settlement watermark. */
export async function opsFeeds(request: HttpRequest, runs: FeedRunStore): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return caller.response;
  const [recent, watermark] = await Promise.all([runs.listRecentRuns(LIST_LIMIT), runs.readWatermark()]);
  return json(200, { watermark, runs: recent.map(summaryOf) });
}

/** GET /api/ops/feeds/{businessDate}: every run of the date (newest version first) with its full report. */
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
  const ordered = found.sort((a, b) => b.version - a.version || b.updatedAt.localeCompare(a.updatedAt));
  return json(200, {
    businessDate,
    runs: ordered.map(({ plan, ...run }) => ({ ...run, chunks: plan?.chunks.length ?? 0 })),
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
