import type { HttpRequest } from '@azure/functions';
import { opsIgnoredMessages } from '../../src/functions/http/handlers/ignored';
import { handleTransaction } from '../../src/functions/realtime/handleTransaction';
import { testApp, type TestApp } from '../support/fakeCampaignClient';
import { answerOf, asMember, asOps, httpRequest, type Answer } from '../support/httpRequests';
import { validateResponse } from '../support/openapi';

// GET /api/ops/realtime/ignored (SPEC §3/§7 "ignored and counted"): messages handled by the real
// Service Bus handler, counts read through the HTTP shell, every answer checked against openapi.yaml.

const NOW = '2026-11-26T01:00:00.000Z'; // 12:00 on the 26th in Sydney
const ROUTE = 'ops/realtime/ignored';

let app: TestApp;
beforeEach(() => {
  app = testApp({ now: NOW });
});

async function get(query: Record<string, string> = {}, headers = asOps()): Promise<Answer> {
  const request: HttpRequest = httpRequest('GET', ROUTE, { headers, query });
  const answer = answerOf(await opsIgnoredMessages(request, app));
  expect(validateResponse('GET', ROUTE, answer.status, answer.contentType, answer.body)).toEqual([]);
  return answer;
}

/** A valid SETTLED load of a member nobody enrolled, enqueued at `enqueuedTimeUtc`. */
async function strangerLoad(
  transactionId: string,
  enqueuedTimeUtc: string,
  patch: Record<string, string> = {},
) {
  const body = {
    transactionId,
    memberId: 'M-STRANGER',
    type: 'LOAD',
    method: 'APPLE_PAY',
    status: 'SETTLED',
    amount: '10.00',
    currency: 'AUD',
    audAmount: '10.00',
    initiatedAt: '2026-11-25T10:00:00+11:00',
    settledAt: '2026-11-25T10:00:01+11:00',
    ...patch,
  };
  return handleTransaction(body, { messageId: `${transactionId}:SETTLED`, enqueuedTimeUtc }, app);
}

describe('GET /api/ops/realtime/ignored', () => {
  it('answers the counts of each day by reason, redeliveries counted once, with the totals', async () => {
    // Given messages ignored on the 25th and 26th (Sydney), one of them delivered twice
    await strangerLoad('T-1', '2026-11-24T23:00:00.000Z');
    await strangerLoad('T-1', '2026-11-24T23:00:00.000Z');
    await strangerLoad('T-2', '2026-11-25T14:00:00.000Z', { method: 'CHEQUE' });
    await strangerLoad('T-3', '2026-11-25T14:00:00.000Z', { type: 'FEE', method: 'CARD' });

    // When ops ask for the 24th to the 26th
    const answer = await get({ from: '2026-11-24', to: '2026-11-26' });

    // Then every day is listed, zeros included
    const zero = { NON_CAMPAIGN_MEMBER: 0, NON_QUALIFYING_TYPE: 0, UNKNOWN_METHOD: 0 };
    expect(answer).toMatchObject({ status: 200 });
    expect(answer.body).toEqual({
      campaignId: 'cold-member-activation',
      timeZone: 'Australia/Sydney',
      from: '2026-11-24',
      to: '2026-11-26',
      days: [
        { date: '2026-11-24', counts: zero },
        { date: '2026-11-25', counts: { ...zero, NON_CAMPAIGN_MEMBER: 1 } },
        { date: '2026-11-26', counts: { ...zero, UNKNOWN_METHOD: 1, NON_QUALIFYING_TYPE: 1 } },
      ],
      totals: { NON_CAMPAIGN_MEMBER: 1, NON_QUALIFYING_TYPE: 1, UNKNOWN_METHOD: 1 },
    });
  });

  it('defaults to the seven days up to today in the campaign time zone', async () => {
    const answer = await get();
    expect(answer.body).toMatchObject({ from: '2026-11-20', to: '2026-11-26' });
    expect((answer.body as { days: unknown[] }).days).toHaveLength(7);
  });

  it('refuses a reversed range, one over 31 days and a date that does not exist', async () => {
    const answers = [
      await get({ from: '2026-11-26', to: '2026-11-25' }),
      await get({ from: '2026-10-01', to: '2026-11-26' }),
      await get({ from: '2026-02-30' }),
      await get({ to: 'yesterday' }),
    ];
    expect(answers.map((a) => [a.status, (a.body as { code: string }).code])).toEqual([
      [400, 'REQUEST.VALIDATION'],
      [400, 'REQUEST.VALIDATION'],
      [400, 'REQUEST.VALIDATION'],
      [400, 'REQUEST.VALIDATION'],
    ]);
    expect((await get({ from: '2026-10-27', to: '2026-11-26' })).status).toBe(200);
  });

  it('answers 403 to a member and 401 without a principal', async () => {
    expect([(await get({}, asMember('M-1'))).status, (await get({}, {})).status]).toEqual([403, 401]);
  });
});
