import { HttpRequest } from '@azure/functions';
import { opsFeedDate, opsFeeds } from '../../src/functions/feedHttp';
import { NAME_IDENTIFIER, PRINCIPAL_HEADER } from '../../src/functions/http/identity';
import { csv, drop, harness, row } from '../support/feedHarness';

function request(
  path: string,
  roles: string[] | undefined,
  params: Record<string, string> = {},
): HttpRequest {
  const claims = [
    { typ: NAME_IDENTIFIER, val: 'ops-1' },
    ...(roles ?? []).map((r) => ({ typ: 'roles', val: r })),
  ];
  const headers: Record<string, string> = roles
    ? { [PRINCIPAL_HEADER]: Buffer.from(JSON.stringify({ claims })).toString('base64') }
    : {};
  return new HttpRequest({ method: 'GET', url: `http://127.0.0.1/api/${path}`, headers, params });
}

async function withOneRun() {
  const h = harness(['M-1']);
  const d = drop(csv([row(), row({ transaction_id: 'T-2', aud_amount: 'x' })]));
  h.put(d);
  await h.ingest(d);
  return h;
}

describe('ops feed endpoints', () => {
  it('need the ops role', async () => {
    const h = harness([]);
    expect((await opsFeeds(request('ops/feeds', undefined), h.runs)).status).toBe(401);
    expect((await opsFeeds(request('ops/feeds', ['enrolment']), h.runs)).status).toBe(403);
  });

  it('list runs with report counts and the watermark', async () => {
    const h = await withOneRun();
    const response = await opsFeeds(request('ops/feeds', ['ops']), h.runs);
    expect(response.status).toBe(200);
    expect(response.jsonBody).toMatchObject({
      watermark: '2026-11-25',
      runs: [
        { businessDate: '2026-11-25', status: 'COMPLETED', report: { rowsRead: 2, applied: 1, rejected: 1 } },
      ],
    });
    expect(response.jsonBody.runs[0].plan).toBeUndefined();
  });

  it('serve a date with its full reconciliation report', async () => {
    const h = await withOneRun();
    const response = await opsFeedDate(
      request('ops/feeds/2026-11-25', ['ops'], { businessDate: '2026-11-25' }),
      h.runs,
    );
    expect(response.status).toBe(200);
    expect(response.jsonBody.runs[0]).toMatchObject({
      version: 1,
      chunks: 1,
      report: { rejected: { count: 1, lines: [{ line: 3, code: 'TX.BAD_AUD_AMOUNT' }] } },
    });
  });

  it('answer 400 for a malformed date and 404 for a date without runs', async () => {
    const h = harness([]);
    expect((await opsFeedDate(request('ops/feeds/x', ['ops'], { businessDate: 'x' }), h.runs)).status).toBe(
      400,
    );
    const missing = await opsFeedDate(
      request('ops/feeds/2026-01-01', ['ops'], { businessDate: '2026-01-01' }),
      h.runs,
    );
    expect(missing).toMatchObject({ status: 404, jsonBody: { code: 'FEED.NOT_FOUND' } });
  });
});
