import { E2eRuntime } from '../support/e2eRuntime';
import { operations } from '../support/openapi';
import { CampaignDays, feedRow, message, type Tx } from '../support/e2eTransactions';

/**
 * Every operation of openapi.yaml answered by the real runtime, each answer checked against the contract
 * as it arrives (E2eRuntime's client), and both paged listings followed to their last item.
 */
jest.setTimeout(180_000);

const days = new CampaignDays('2026-11-26');
const FEED_DATES = 12;
const BAD_MESSAGES = 7;
let rt: E2eRuntime;

beforeAll(async () => {
  rt = await E2eRuntime.start({
    name: 'contract',
    clockStart: days.at(0, 8),
    env: { CAMPAIGN_FEED_START_DATE: days.date(0) },
  });
});
afterAll(async () => {
  await rt?.stop();
});

const load: Tx = {
  transactionId: 'C-T1',
  memberId: 'C-M1',
  type: 'LOAD',
  method: 'APPLE_PAY',
  amount: '1000.00',
  initiatedAt: days.at(0, 9, 30),
};

describe('the HTTP API on the local runtime answers as openapi.yaml says', () => {
  it('answers every documented operation, successes and errors, within the contract', async () => {
    const ops = { token: await rt.token('ops') };
    const member = { token: await rt.token({ member: load.memberId }) };
    await rt.advanceTo(days.at(0, 9));
    await rt.enrol(load.memberId);
    await rt.publish([message(load, 'SETTLED', days.at(0, 9, 31))]);
    await rt.advanceTo(days.at(0, 10));

    // each answer is validated by the client; the statuses show each branch was taken
    const statuses = [
      (await rt.client.api('GET', '/api/health')).status,
      (await rt.client.api('POST', '/api/enrolments', { token: ops.token, body: { memberId: 'X' } })).status,
      (await rt.client.api('GET', '/api/me/progress', member)).status,
      (await rt.client.api('GET', '/api/me/progress')).status,
      (await rt.client.api('POST', '/api/me/celebrations/TARGET_REACHED/ack', member)).status,
      (await rt.client.api('POST', '/api/me/celebrations/TARGET_REACHED/ack', member)).status,
      (await rt.client.api('POST', '/api/me/celebrations/NOPE/ack', member)).status,
      (await rt.client.api('GET', `/api/ops/members/${load.memberId}`, ops)).status,
      (await rt.client.api('GET', '/api/ops/members/NOBODY', ops)).status,
      (await rt.client.api('POST', `/api/ops/members/${load.memberId}/redrive`, ops)).status,
      (await rt.client.api('GET', '/api/ops/funnel', ops)).status,
      (await rt.client.api('GET', '/api/ops/funnel', member)).status,
      (await rt.client.api('GET', '/api/ops/quarantine', ops)).status,
      (await rt.client.api('GET', '/api/ops/feeds', ops)).status,
      (await rt.client.api('GET', '/api/ops/feeds/2026-01-01', ops)).status,
      (await rt.client.api('GET', '/api/ops/feeds/not-a-date', ops)).status,
      (await rt.client.api('GET', '/api/ops/export', ops)).status,
      (await rt.client.api('GET', '/api/ops/export', member)).status,
      (await rt.client.api('POST', '/api/ops/member-states/rebuild', ops)).status,
      (await rt.client.api('POST', '/api/ops/member-states/rebuild?limit=0', ops)).status,
      (await rt.client.api('POST', '/api/ops/member-states/rebuild', member)).status,
    ];
    expect(statuses).toEqual([
      200, 403, 200, 401, 200, 200, 400, 200, 404, 202, 200, 403, 200, 200, 404, 400, 200, 403, 200, 400, 403,
    ]);
  });

  it('answers problem+json for unknown routes, other methods and malformed escapes', async () => {
    const answers = [
      await rt.client.api('GET', '/api/nothing/here'),
      await rt.client.api('DELETE', '/api/ops/funnel'),
      await rt.client.api('GET', '/api/me/%zz'),
    ];
    expect(answers.map((a) => [a.status, (a.body as { code: string }).code])).toEqual([
      [404, 'ROUTE.NOT_FOUND'],
      [405, 'ROUTE.METHOD_NOT_ALLOWED'],
      [400, 'REQUEST.MALFORMED_PATH'],
    ]);
  });

  it('pages the feed runs to the last one', async () => {
    // Given one header-only feed file per date (the first date's file corrected once)
    for (let day = 0; day < FEED_DATES; day += 1) {
      await rt.advanceTo(days.at(day + 1, 1));
      await rt.dropFeed(days.date(day), day === 0 ? [feedRow(load, 'SETTLED', days.date(0))] : []);
    }
    await rt.dropFeed(days.date(0), [feedRow(load, 'SETTLED', days.date(0))], 2);
    await rt.idle();

    // When ops page through the runs five at a time
    const { items, pages } = await rt.allPages<{ businessDate: string; version: number }>(
      '/api/ops/feeds',
      'limit=5',
    );

    // Then every run arrives once, newest date first, the correction before the run it replaced
    expect(pages).toBe(Math.ceil((FEED_DATES + 1) / 5));
    const expected = Array.from({ length: FEED_DATES }, (_, i) => days.date(FEED_DATES - 1 - i)).flatMap(
      (date, i) => (i === FEED_DATES - 1 ? [`${date} v2`, `${date} v1`] : [`${date} v1`]),
    );
    expect(items.map((r) => `${r.businessDate} v${r.version}`)).toEqual(expected);
    const corrected = await rt.client.api('GET', `/api/ops/feeds/${days.date(0)}`, {
      token: await rt.token('ops'),
    });
    expect(corrected.body).toMatchObject({ current: { version: 2, status: 'COMPLETED' } });
  });

  it('pages the quarantine to the last item and refuses a token it did not issue', async () => {
    // Given malformed real-time messages, each quarantined
    await rt.publish(
      Array.from({ length: BAD_MESSAGES }, (_, i) => ({
        messageId: `bad-${i}`,
        body: { transactionId: `BAD-${i}`, memberId: load.memberId },
      })),
    );
    await rt.idle();

    // When ops page through them three at a time
    const { items } = await rt.allPages<{ id: string; transactionId?: string }>(
      '/api/ops/quarantine',
      'source=REALTIME&limit=3',
    );

    // Then each is there once; a garbage token is a 400
    const bad = items.filter((i) => i.transactionId?.startsWith('BAD-'));
    expect(new Set(bad.map((i) => i.id)).size).toBe(BAD_MESSAGES);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    const garbage = await rt.client.api('GET', '/api/ops/quarantine?continuationToken=garbage', {
      token: await rt.token('ops'),
    });
    expect(garbage).toMatchObject({ status: 400, body: { code: 'REQUEST.CONTINUATION_TOKEN' } });
  });

  it("keeps a message's unknown fields in the member's ledger, and counts ignored messages once each", async () => {
    // Given a load of the enrolled member with a field the contract does not name; a stranger's load
    // published twice under one message id; a load by cheque and a purchase of the member
    const ops = { token: await rt.token('ops') };
    const extra = message({ ...load, transactionId: 'C-T2', amount: '5.00' }, 'SETTLED', load.initiatedAt);
    const stranger = message({ ...load, transactionId: 'C-T3', memberId: 'C-STRANGER' }, 'SETTLED');
    const cheque = message({ ...load, transactionId: 'C-T4', method: 'CHEQUE' }, 'SETTLED');
    const purchase = message({ ...load, transactionId: 'C-T5', type: 'PURCHASE', method: 'CARD' }, 'SETTLED');
    await rt.publish([
      { ...extra, body: { ...extra.body, channel: 'ios' } },
      stranger,
      stranger,
      cheque,
      purchase,
    ]);
    await rt.idle();

    // When ops look at the member and at the ignored counts of the last seven days
    const member = await rt.client.api('GET', `/api/ops/members/${load.memberId}`, ops);
    const ignored = await rt.client.api('GET', '/api/ops/realtime/ignored', ops);

    // Then the ledger entry keeps the field; each ignored message counted once under its reason
    const entry = (member.body as { ledger: { id: string; unknownFields?: unknown }[] }).ledger.find(
      (e) => e.id === 'C-T2',
    );
    expect(entry?.unknownFields).toEqual({ SETTLED: { channel: 'ios' } });
    expect(ignored).toMatchObject({
      status: 200,
      body: { totals: { NON_CAMPAIGN_MEMBER: 1, NON_QUALIFYING_TYPE: 1, UNKNOWN_METHOD: 1 } },
    });
  });

  it('has exercised every documented operation', () => {
    const documented = operations().map((o) => `${o.method} ${o.path}`);
    expect([...rt.client.operationsSeen()].sort()).toEqual(documented.sort());
  });
});
