import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { opsFeedDate, opsFeeds } from '../../src/functions/feedHttp';
import { NAME_IDENTIFIER, PRINCIPAL_HEADER } from '../../src/functions/http/identity';
import { csv, drop, harness, row } from '../support/feedHarness';
import { validateResponse } from '../support/openapi';
import type { FeedRun } from '../../src/feed/runs';

function request(
  path: string,
  roles: string[] | undefined,
  params: Record<string, string> = {},
): HttpRequest {
  // `path` may carry a query string: `ops/feeds?limit=2`
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

function conforms(method: string, route: string, response: HttpResponseInit): string[] {
  const headers = response.headers as Record<string, string>;
  return validateResponse(method, route, response.status ?? 200, headers['content-type'], response.jsonBody);
}

function run(businessDate: string, version: number, status: FeedRun['status'] = 'COMPLETED'): FeedRun {
  return {
    id: `${businessDate}:v${version}:x`,
    businessDate,
    version,
    sha256: 'a'.repeat(64),
    file: `transactions-${businessDate}.csv`,
    rowCount: 0,
    status,
    duplicateDrops: 0,
    createdAt: `${businessDate}T15:00:00.000Z`,
    updatedAt: `${businessDate}T15:01:00.000Z`,
  };
}

describe('ops feed endpoints', () => {
  it('need the ops role', async () => {
    const h = harness([]);
    expect((await opsFeeds(request('ops/feeds', undefined), h.runs)).status).toBe(401);
    expect((await opsFeeds(request('ops/feeds', ['enrolment']), h.runs)).status).toBe(403);
  });

  it('list runs with report counts and the watermark, as openapi.yaml says', async () => {
    const h = await withOneRun();
    const response = await opsFeeds(request('ops/feeds', ['ops']), h.runs);
    expect(conforms('GET', 'ops/feeds', response)).toEqual([]);
    expect(response.jsonBody).toMatchObject({
      watermark: '2026-11-25',
      items: [
        {
          businessDate: '2026-11-25',
          status: 'COMPLETED',
          rowsRead: 2,
          applied: 1,
          rejected: { count: 1 },
          startedAt: expect.any(String),
          completedAt: expect.any(String),
        },
      ],
    });
    expect(response.jsonBody.items[0].rejected.lines).toBeUndefined();
    expect(response.jsonBody.continuationToken).toBeUndefined();
  });

  it('page through every run with limit and the continuation token, newest first', async () => {
    // Given 130 runs over 65 dates (two versions each), more than one default page
    const h = harness([]);
    const dates = Array.from({ length: 65 }, (_, i) =>
      new Date(Date.UTC(2026, 9, 1 + i)).toISOString().slice(0, 10),
    );
    for (const date of dates) for (const version of [1, 2]) await h.runs.saveRun(run(date, version));

    // When ops read pages of 7 until no token is returned
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = `limit=7${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`;
      const response = await opsFeeds(request(`ops/feeds?${query}`, ['ops']), h.runs);
      expect(conforms('GET', 'ops/feeds', response)).toEqual([]);
      expect(response.jsonBody.items.length).toBeLessThanOrEqual(7);
      seen.push(...response.jsonBody.items.map((r: { id: string }) => r.id));
      token = response.jsonBody.continuationToken;
      pages += 1;
    } while (token);

    // Then every run came back exactly once, newest date first and the highest version first
    const expected = [...dates].reverse().flatMap((d) => [`${d}:v2:x`, `${d}:v1:x`]);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(130 / 7));
    const all = await opsFeeds(request('ops/feeds?limit=500', ['ops']), h.runs);
    expect(all.jsonBody.items).toHaveLength(130);
  });

  it('answer 400 for a garbage or foreign continuation token and a limit out of range', async () => {
    const h = await withOneRun();
    for (const query of [
      'continuationToken=garbage',
      `continuationToken=${Buffer.from('{"s":"ops/quarantine?source=&unresolvedOnly=true","v":"1"}').toString('base64url')}`,
      'limit=0',
      'limit=501',
      'limit=ten',
    ]) {
      const response = await opsFeeds(request(`ops/feeds?${query}`, ['ops']), h.runs);
      expect(conforms('GET', 'ops/feeds', response)).toEqual([]);
      expect(response.status).toBe(400);
    }
    const garbage = await opsFeeds(request('ops/feeds?continuationToken=garbage', ['ops']), h.runs);
    expect(garbage.jsonBody).toMatchObject({ code: 'REQUEST.CONTINUATION_TOKEN' });
  });

  it('serve a date with its full reconciliation report and the current run', async () => {
    const h = await withOneRun();
    const response = await opsFeedDate(
      request('ops/feeds/2026-11-25', ['ops'], { businessDate: '2026-11-25' }),
      h.runs,
    );
    expect(conforms('GET', 'ops/feeds/{businessDate}', response)).toEqual([]);
    expect(response.jsonBody.runs[0]).toMatchObject({
      version: 1,
      rejected: { count: 1, lines: [{ line: 3, code: 'TX.BAD_AUD_AMOUNT' }] },
    });
    expect(response.jsonBody.current).toEqual(response.jsonBody.runs[0]);
  });

  it('name as current the completed run of the highest version, null while none completed', async () => {
    const h = harness([]);
    await h.runs.saveRun(run('2026-11-25', 1));
    await h.runs.saveRun(run('2026-11-25', 2, 'COMPLETED'));
    await h.runs.saveRun(run('2026-11-25', 3, 'REJECTED'));
    await h.runs.saveRun(run('2026-11-26', 1, 'APPLYING'));
    const date = (d: string) => opsFeedDate(request(`ops/feeds/${d}`, ['ops'], { businessDate: d }), h.runs);
    const corrected = await date('2026-11-25');
    expect(conforms('GET', 'ops/feeds/{businessDate}', corrected)).toEqual([]);
    expect(corrected.jsonBody.current).toMatchObject({ version: 2, status: 'COMPLETED' });
    expect(corrected.jsonBody.runs.map((r: { version: number }) => r.version)).toEqual([3, 2, 1]);
    const applying = await date('2026-11-26');
    expect(conforms('GET', 'ops/feeds/{businessDate}', applying)).toEqual([]);
    expect(applying.jsonBody).toMatchObject({
      current: null,
      runs: [{ status: 'APPLYING', completedAt: null }],
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
