import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { durableClientData } from '../../local/durable/clientData';
import { invocationContextFor } from '../../local/durable/invocation';
import { currentRegistry } from '../../local/functionsCore';
import { instanceIdOf } from '../../src/app/enrolments';
import { setServices } from '../../src/app/services';
import type { HttpDeps } from '../../src/functions/http/deps';
import { enrol } from '../../src/functions/http/handlers/enrolments';
import {
  health,
  healthProbe,
  standardChecks,
  type DependencyCheck,
} from '../../src/functions/http/handlers/health';
import { acknowledgeCelebration, myProgress } from '../../src/functions/http/handlers/me';
import { dispatchNotifications } from '../../src/app/notifyDrain';
import { opsFunnel, opsMember, opsQuarantine, opsRedrive } from '../../src/functions/http/handlers/ops';
import { handleTransaction } from '../../src/functions/realtime/handleTransaction';
import { TEST_SECRETS, testApp, type TestApp } from '../support/fakeCampaignClient';
import {
  answerOf,
  asEnrolment,
  asMember,
  asOps,
  httpRequest,
  principalHeader,
  withRawPrincipal,
  type Answer,
} from '../support/httpRequests';
import { validateResponse } from '../support/openapi';
import { QUARANTINE_CAPS } from '../../src/adapters/documents/quarantine';
import { MAX_CONTRADICTIONS } from '../../src/domain';
import { encodeContinuation } from '../../src/functions/http/continuation';

// The HTTP shells driven with real HttpRequest objects against in-memory repositories and a fake
// durable client whose member entities are real (signals run handleMemberOperation). Every asserted
// response is also checked against openapi.yaml, the contract the app and ops tools build on.

const NOW = '2026-11-24T22:00:00.000Z'; // 2026-11-25 09:00 Sydney
const HOUR = 3_600_000;

type Handler = (request: HttpRequest, deps: HttpDeps) => Promise<HttpResponseInit>;

let app: TestApp;
beforeEach(() => {
  app = testApp({ now: NOW });
});

/** Calls a handler and checks the answer against the documented response of `method route`. */
async function call(handler: Handler, method: string, route: string, request: HttpRequest): Promise<Answer> {
  const answer = answerOf(await handler(request, app));
  expect(validateResponse(method, route, answer.status, answer.contentType, answer.body)).toEqual([]);
  return answer;
}

const enrolRequest = (body: unknown, headers = asEnrolment()) =>
  httpRequest('POST', 'enrolments', { headers, json: body });
const postEnrolment = (body: unknown, headers = asEnrolment()) =>
  call(enrol, 'POST', 'enrolments', enrolRequest(body, headers));
const getProgress = (headers: Record<string, string>, extra: Parameters<typeof httpRequest>[2] = {}) =>
  call(myProgress, 'GET', 'me/progress', httpRequest('GET', 'me/progress', { ...extra, headers }));
const ack = (memberId: string, kind: string, extra: Parameters<typeof httpRequest>[2] = {}) =>
  call(
    acknowledgeCelebration,
    'POST',
    'me/celebrations/{kind}/ack',
    httpRequest('POST', `me/celebrations/${kind}/ack`, {
      ...extra,
      headers: asMember(memberId),
      params: { ...extra.params, kind },
    }),
  );

let txSeq = 0;
/** Delivers a real-time SETTLED Apple Pay load (or another transaction) through the Service Bus handler. */
async function load(memberId: string, audAmount: string, patch: Record<string, string> = {}) {
  const message = {
    transactionId: `T-${++txSeq}`,
    memberId,
    type: 'LOAD',
    method: 'APPLE_PAY',
    status: 'SETTLED',
    amount: audAmount,
    currency: 'AUD',
    audAmount,
    initiatedAt: '2026-11-25T10:00:00+11:00',
    settledAt: '2026-11-25T10:00:01+11:00',
    ...patch,
  };
  const outcome = await handleTransaction(
    message,
    { messageId: `${message.transactionId}:${message.status}`, enqueuedTimeUtc: app.clock.now() },
    app,
  );
  expect(outcome).toBe('APPLIED');
}

async function enrolled(...memberIds: string[]) {
  for (const memberId of memberIds) expect((await postEnrolment({ memberId })).status).toBe(201);
}

describe('POST /api/enrolments', () => {
  it('answers 401 without a principal and with a malformed one', async () => {
    // Given requests that bypassed or garbled the authentication edge
    // When they try to enrol
    const none = await postEnrolment({ memberId: 'M-1' }, {});
    const garbled = await postEnrolment({ memberId: 'M-1' }, withRawPrincipal('eyJub3QiOiJhIHByaW5jaXBhbA'));

    // Then both are unauthenticated and nothing was enrolled
    expect([none.status, garbled.status]).toEqual([401, 401]);
    expect(none.body).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
    expect(await app.repos.members.get('cold-member-activation', 'M-1')).toBeUndefined();
    expect(app.client.signals).toEqual([]);
  });

  it('answers 403 to an ops caller or a member without the enrolment role', async () => {
    // Given signed-in callers that are not the onboarding system
    // When they try to enrol
    const ops = await postEnrolment({ memberId: 'M-1' }, asOps());
    const member = await postEnrolment({ memberId: 'M-1' }, asMember('M-1'));

    // Then they are forbidden and nothing was started
    expect([ops.status, member.status]).toEqual([403, 403]);
    expect(ops.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    expect(app.client.ensureCalls).toEqual([]);
  });

  it('answers 400 with a field-level error for a bad memberId', async () => {
    // Given a member id with characters the contract does not allow
    // When it is enrolled
    const answer = await postEnrolment({ memberId: 'M 1/../2' });

    // Then the error names the field
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'REQUEST.VALIDATION',
      errors: [{ path: 'memberId', message: 'must be 1-64 letters, digits, - or _' }],
    });
  });

  it('answers 400 with a field-level error for an enrolledAt without an offset', async () => {
    // Given a local time that could mean any instant
    // When it is enrolled
    const answer = await postEnrolment({ memberId: 'M-1', enrolledAt: '2026-11-25T09:00:00' });

    // Then the error names enrolledAt and says why
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'REQUEST.VALIDATION',
      errors: [{ path: 'enrolledAt', message: 'must be an ISO-8601 instant with an offset' }],
    });
  });

  it('answers 400 for a missing memberId and for JSON that does not parse', async () => {
    // Given an empty object and a truncated body
    // When they are enrolled
    const missing = await postEnrolment({});
    const broken = await call(
      enrol,
      'POST',
      'enrolments',
      httpRequest('POST', 'enrolments', { headers: asEnrolment(), text: '{"memberId":' }),
    );

    // Then each gets its own stable code
    expect(missing.body).toMatchObject({ status: 400, errors: [{ path: 'memberId' }] });
    expect(broken.body).toMatchObject({ status: 400, code: 'REQUEST.INVALID_JSON' });
  });

  it('answers 415 for a body that is not JSON', async () => {
    // Given a form-encoded body
    const request = httpRequest('POST', 'enrolments', {
      headers: asEnrolment(),
      text: 'memberId=M-1',
      contentType: 'application/x-www-form-urlencoded',
    });

    // When it is enrolled
    const answer = await call(enrol, 'POST', 'enrolments', request);

    // Then the media type is refused
    expect(answer).toMatchObject({ status: 415, body: { code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('answers 413 for an oversized body', async () => {
    // Given a body over the 16 KiB limit
    // When it is enrolled
    const answer = await postEnrolment({ memberId: 'M-1', note: 'x'.repeat(17 * 1024) });

    // Then it is refused as too large and nothing is stored
    expect(answer).toMatchObject({ status: 413, body: { code: 'REQUEST.TOO_LARGE' } });
    expect(await app.repos.members.get('cold-member-activation', 'M-1')).toBeUndefined();
  });

  it('answers 422 for an enrolledAt more than 24 hours before receipt', async () => {
    // Given an enrolment back-dated by 24 hours and one second
    const enrolledAt = new Date(Date.parse(NOW) - 24 * HOUR - 1000).toISOString();

    // When it is enrolled
    const answer = await postEnrolment({ memberId: 'M-1', enrolledAt });

    // Then it is unprocessable (well-formed, against the rules) and nothing is stored
    expect(answer).toMatchObject({ status: 422, body: { code: 'ENROLMENT.TOO_OLD' } });
    expect(await app.repos.members.get('cold-member-activation', 'M-1')).toBeUndefined();
  });

  it('accepts an enrolledAt exactly 24 hours before receipt', async () => {
    // Given the oldest back-date the configuration allows, written with a Sydney offset
    // When it is enrolled
    const answer = await postEnrolment({ memberId: 'M-1', enrolledAt: '2026-11-24T09:00:00+11:00' });

    // Then it is accepted and stored as that instant in UTC
    expect(answer).toMatchObject({ status: 201, body: { enrolledAt: '2026-11-23T22:00:00.000Z' } });
  });

  it('answers 422 for an enrolledAt more than one minute in the future', async () => {
    // Given an enrolment dated 61 seconds after receipt
    const enrolledAt = new Date(Date.parse(NOW) + 61_000).toISOString();

    // When it is enrolled
    const answer = await postEnrolment({ memberId: 'M-1', enrolledAt });

    // Then it is unprocessable
    expect(answer).toMatchObject({ status: 422, body: { code: 'ENROLMENT.IN_FUTURE' } });
  });

  it('answers 201, enrols the entity and starts the campaign for a new member', async () => {
    // Given a member not yet enrolled
    // When the onboarding system enrols them
    const answer = await postEnrolment({ memberId: 'M-1' });

    // Then the enrolment, its window and its instance are returned
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      memberId: 'M-1',
      campaignId: 'cold-member-activation',
      enrolledAt: NOW,
      windowClosesAt: '2026-12-25T13:00:00.000Z',
      evaluationAt: '2026-12-30T13:00:00.000Z',
      lastGraceDate: '2026-12-30',
      instanceId: 'memberCampaign:cold-member-activation:M-1',
    });
    // And the entity holds the enrolment and the orchestration was started once
    expect(app.client.state('M-1')?.ledger?.enrolment.enrolledAt).toBe(NOW);
    expect(app.client.starts.map((s) => s.instanceId)).toEqual(['memberCampaign:cold-member-activation:M-1']);
    // And its start is confirmed: the sweep has nothing to look for
    expect(await app.repos.members.listStartPending('cold-member-activation')).toEqual([]);
  });

  it('leaves the enrolment flagged for the sweep when the campaign cannot be started, and a retry completes it', async () => {
    // Given a task hub refusing starts
    const ensure = app.client.ensureCampaign.bind(app.client);
    app.client.ensureCampaign = () => Promise.reject(new Error('task hub unavailable'));

    // When the onboarding system enrols a member, then retries once the task hub is back
    const failed = await postEnrolment({ memberId: 'M-1' }).catch((error: unknown) => error);
    const pending = await app.repos.members.listStartPending('cold-member-activation');
    app.client.ensureCampaign = ensure;
    const retry = await postEnrolment({ memberId: 'M-1' });

    // Then the enrolment was stored flagged (the sweep would start it), and the retry started it and cleared the flag
    expect(failed).toBeInstanceOf(Error);
    expect(pending).toEqual(['M-1']);
    expect(retry.status).toBe(200);
    expect(app.client.starts.map((s) => s.instanceId)).toEqual(['memberCampaign:cold-member-activation:M-1']);
    expect(await app.repos.members.listStartPending('cold-member-activation')).toEqual([]);
  });

  it('answers 200 with the first enrolment when it is repeated, starting nothing twice', async () => {
    // Given an enrolled member
    const first = await postEnrolment({ memberId: 'M-1' });

    // When the onboarding system retries an hour later, even with another enrolledAt
    app.clock.advance(HOUR);
    const again = await postEnrolment({ memberId: 'M-1', enrolledAt: app.clock.now() });

    // Then the original enrolment comes back unchanged with 200
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    // And the campaign was started once, the entity enrolled once (the second enrol is a no-op)
    expect(app.client.starts).toHaveLength(1);
    expect(app.client.ensureCalls.map((c) => c.action)).toEqual(['STARTED', 'RUNNING']);
    expect(app.client.signalsFor('M-1', 'enrol').map((s) => s.result)).toEqual([
      { ok: true, value: { created: true } },
      { ok: true, value: { created: false } },
    ]);
    expect(app.client.state('M-1')?.ledger?.enrolment.enrolledAt).toBe(NOW);
  });

  it('answers 200 with the first enrolment to a retry that arrives after the back-date limit', async () => {
    // Given a member enrolled with an explicit enrolledAt
    const first = await postEnrolment({ memberId: 'M-1', enrolledAt: NOW });

    // When the onboarding system's retry queue replays the same request 25 hours later
    app.clock.advance(25 * HOUR);
    const retry = await postEnrolment({ memberId: 'M-1', enrolledAt: NOW });

    // Then the retry gets the original enrolment (SPEC §8, openapi: "whatever enrolledAt it carries"),
    // not a 422 that would tell the onboarding system the member was never enrolled
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
  });
});

describe('GET /api/me/progress', () => {
  it('answers 401 without a principal', async () => {
    // Given no principal
    // When progress is read
    const answer = await getProgress({});

    // Then it is unauthenticated
    expect(answer).toMatchObject({ status: 401, body: { code: 'AUTH.UNAUTHENTICATED' } });
  });

  it('answers 404 for a member who is not enrolled', async () => {
    // Given a signed-in member with no enrolment
    // When they read their progress
    const answer = await getProgress(asMember('M-404'));

    // Then they are told they are not enrolled
    expect(answer).toMatchObject({ status: 404, body: { code: 'MEMBER.NOT_ENROLLED' } });
  });

  it('answers from the stored enrolment before the entity has processed anything', async () => {
    // Given an enrolment stored while the entity's enrol signal is still in flight
    await postEnrolment({ memberId: 'M-1' });
    app.client.entities.delete('M-1');

    // When the member reads progress
    const answer = await getProgress(asMember('M-1'));

    // Then a fresh ledger is shown rather than a 404
    expect(answer).toMatchObject({
      status: 200,
      body: { memberId: 'M-1', state: 'ENROLLED', progressCents: 0 },
    });
  });

  it('shows PENDING_REWARD with the TARGET_REACHED celebration after a real-time load reaches the target', async () => {
    // Given an enrolled member
    await enrolled('M-1');
    app.clock.advance(HOUR);

    // When an instant AUD 1,000.00 load arrives on the real-time stream
    await load('M-1', '1000.00');
    const answer = await getProgress(asMember('M-1'));

    // Then the confetti moment is shown with the totals (progress counts, confirmation waits for the feed)
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({
      memberId: 'M-1',
      state: 'PENDING_REWARD',
      progressCents: 100_000,
      progress: '1000.00',
      confirmedCents: 0,
      remainingCents: 0,
      atRisk: false,
      celebrations: [{ kind: 'TARGET_REACHED', raisedAt: app.clock.now() }],
      decision: null,
      reward: null,
    });
  });

  it('never shows another member: query, route parameters, headers and extra claims are ignored', async () => {
    // Given two members, M-2 of whom reached the target
    await enrolled('M-1', 'M-2');
    await load('M-2', '1000.00');

    // When M-1 asks for M-2's data every way a client could try
    const attempts = [
      await getProgress(asMember('M-1'), { query: { memberId: 'M-2' } }),
      await getProgress(asMember('M-1'), { params: { memberId: 'M-2' } }),
      await getProgress({ ...asMember('M-1'), 'x-member-id': 'M-2', 'x-ms-client-principal-id': 'M-2' }),
      await getProgress(
        withRawPrincipal(
          principalHeader({
            id: 'M-1',
            claims: [
              { typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier', val: 'M-2' },
            ],
          }),
        ),
      ),
    ];

    // Then every answer is M-1's own progress
    for (const answer of attempts) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ memberId: 'M-1', state: 'ENROLLED', progressCents: 0 });
    }
  });
});

describe('POST /api/me/celebrations/{kind}/ack', () => {
  beforeEach(async () => {
    await enrolled('M-1');
    await load('M-1', '1000.00');
  });

  it('acknowledges a raised celebration: 200 and it disappears', async () => {
    // Given M-1 sees TARGET_REACHED
    // When the app acknowledges it
    const answer = await ack('M-1', 'TARGET_REACHED');

    // Then the answer and the next progress read no longer show it
    expect(answer).toMatchObject({ status: 200, body: { state: 'PENDING_REWARD', celebrations: [] } });
    expect((await getProgress(asMember('M-1'))).body).toMatchObject({ celebrations: [] });
    // And the entity recorded it (so it never comes back)
    expect(app.client.state('M-1')?.ledger?.celebrations.TARGET_REACHED.acknowledgedAt).toBe(NOW);
  });

  it('answers 200 again for a second acknowledgement', async () => {
    // Given an acknowledged celebration
    await ack('M-1', 'TARGET_REACHED');

    // When the app retries the acknowledgement
    app.clock.advance(60_000);
    const again = await ack('M-1', 'TARGET_REACHED');

    // Then it is a no-op success and the first acknowledgement time stays
    expect(again).toMatchObject({ status: 200, body: { celebrations: [] } });
    expect(app.client.state('M-1')?.ledger?.celebrations.TARGET_REACHED.acknowledgedAt).toBe(NOW);
  });

  it('answers 409 for a celebration that is not raised', async () => {
    // Given no reward has been issued
    // When the app acknowledges REWARD_ISSUED
    const answer = await ack('M-1', 'REWARD_ISSUED');

    // Then it conflicts with the member's state and nothing is sent to the entity
    expect(answer).toMatchObject({ status: 409, body: { code: 'CELEBRATION.NOT_RAISED' } });
    expect(app.client.signalsFor('M-1', 'acknowledge')).toEqual([]);
  });

  it('answers 400 for an unknown kind', async () => {
    // Given a kind the contract does not define
    // When it is acknowledged
    const answer = await ack('M-1', 'CONFETTI');

    // Then the path parameter is named as the offending field
    expect(answer).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.VALIDATION', errors: [{ path: 'kind' }] },
    });
  });

  it("cannot acknowledge another member's celebration", async () => {
    // Given M-2, enrolled without loads, and M-1's raised celebration
    await enrolled('M-2');

    // When M-2 acknowledges TARGET_REACHED, naming M-1 in the body, the query and a route parameter
    const answer = await ack('M-2', 'TARGET_REACHED', {
      json: { memberId: 'M-1' },
      query: { memberId: 'M-1' },
      params: { memberId: 'M-1' },
    });

    // Then it is refused for M-2 and M-1's celebration is still shown, unacknowledged
    expect(answer.status).toBe(409);
    expect(app.client.signalsFor('M-1', 'acknowledge')).toEqual([]);
    expect((await getProgress(asMember('M-1'))).body).toMatchObject({
      celebrations: [{ kind: 'TARGET_REACHED' }],
    });
  });
});

describe('ops endpoints', () => {
  const opsGet = (
    handler: Handler,
    route: string,
    path: string,
    options: Parameters<typeof httpRequest>[2] = {},
  ) => call(handler, 'GET', route, httpRequest('GET', path, { headers: asOps(), ...options }));
  const redrive = (memberId: string, headers = asOps()) =>
    call(
      opsRedrive,
      'POST',
      'ops/members/{memberId}/redrive',
      httpRequest('POST', `ops/members/${memberId}/redrive`, { headers, params: { memberId } }),
    );

  it('answers 403 to a member and 401 without a principal', async () => {
    // Given a member and an anonymous caller
    // When they call ops endpoints
    const member = await opsGet(opsFunnel, 'ops/funnel', 'ops/funnel', { headers: asMember('M-1') });
    const anonymous = await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', { headers: {} });
    const memberDetail = await opsGet(opsMember, 'ops/members/{memberId}', 'ops/members/M-1', {
      headers: asMember('M-1'),
      params: { memberId: 'M-1' },
    });

    // Then they are refused
    expect([member.status, anonymous.status, memberDetail.status]).toEqual([403, 401, 403]);
  });

  it("shows a member's ledger, progress and orchestration", async () => {
    // Given an enrolled member with one load, whose campaign is running
    await enrolled('M-1');
    await load('M-1', '250.00');

    // When ops look the member up
    const answer = await opsGet(opsMember, 'ops/members/{memberId}', 'ops/members/M-1', {
      params: { memberId: 'M-1' },
    });

    // Then everything ops need is there
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      memberId: 'M-1',
      enrolment: { memberId: 'M-1', campaignId: 'cold-member-activation' },
      progress: { state: 'ACTIVE', progressCents: 25_000 },
      decision: null,
      reward: null,
      orchestration: { instanceId: 'memberCampaign:cold-member-activation:M-1', runtimeStatus: 'Running' },
    });
    expect((answer.body as { ledger: unknown[] }).ledger).toHaveLength(1);
  });

  it("shows a message's unknown fields in its ledger entry, without changing the money", async () => {
    // Given a member whose load arrived with fields the contract does not name, one of them huge
    await enrolled('M-1');
    await load('M-1', '250.00', { channel: 'ios', note: 'n'.repeat(10_000) });

    // When ops look the member up
    const answer = await opsGet(opsMember, 'ops/members/{memberId}', 'ops/members/M-1', {
      params: { memberId: 'M-1' },
    });

    // Then the ledger entry keeps them beside the message's status, cut past the cap and marked so;
    // the progress counts the load as any other
    const body = answer.body as { ledger: { unknownFields?: Record<string, unknown> }[] };
    expect(body.ledger[0]?.unknownFields).toEqual({
      SETTLED: {
        cut: true,
        characters: expect.any(Number),
        head: expect.stringMatching(/^{"channel":"ios"/),
      },
    });
    expect(answer.body).toMatchObject({ progress: { progressCents: 25_000 } });
  });

  it('records the same message with another body as a conflict ops see, keeping the first', async () => {
    // Given a member whose load T-9 SETTLED of AUD 100 was applied
    await enrolled('M-1');
    const first = {
      transactionId: 'T-9',
      memberId: 'M-1',
      type: 'LOAD',
      method: 'APPLE_PAY',
      status: 'SETTLED',
      amount: '100.00',
      currency: 'AUD',
      audAmount: '100.00',
      initiatedAt: '2026-11-25T10:00:00+11:00',
      settledAt: '2026-11-25T10:00:01+11:00',
    };
    const meta = { messageId: 'T-9:SETTLED', enqueuedTimeUtc: app.clock.now() };
    expect(await handleTransaction(first, meta, app)).toBe('APPLIED');

    // When the same transaction and status arrives with AUD 900, and again (a redelivery)
    const second = { ...first, amount: '900.00', audAmount: '900.00' };
    expect(await handleTransaction(second, meta, app)).toBe('CONFLICT_QUARANTINED');
    expect(await handleTransaction(second, meta, app)).toBe('CONFLICT_QUARANTINED');

    // Then the quarantine holds one conflict naming both amounts, the member keeps AUD 100, and the ops
    // member view lists the contradiction
    const conflicts = (await app.repos.quarantine.list({ limit: 10 })).items.filter(
      (i) => i.reason === 'TX.BODY_CONFLICT',
    );
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.detail).toMatch(/audCents 10000 kept, 90000 not applied/);
    const answer = await opsGet(opsMember, 'ops/members/{memberId}', 'ops/members/M-1', {
      params: { memberId: 'M-1' },
    });
    expect(answer.body).toMatchObject({
      progress: { progressCents: 10_000 },
      contradictions: [{ transactionId: 'T-9', detail: expect.stringMatching(/^TX.BODY_CONFLICT: /) }],
    });
  });

  it('shows a ledger conflict of type or member in the member view, not only in the quarantine', async () => {
    // Given a member's load T-CLASH, then a message saying it is a withdrawal
    await enrolled('M-1');
    await load('M-1', '250.00', { transactionId: 'T-CLASH' });
    const outcome = await handleTransaction(
      {
        transactionId: 'T-CLASH',
        memberId: 'M-1',
        type: 'WITHDRAWAL',
        method: 'BANK_ACCOUNT',
        status: 'PENDING',
        amount: '10.00',
        currency: 'AUD',
        audAmount: '10.00',
        initiatedAt: '2026-11-25T11:00:00+11:00',
      },
      { messageId: 'T-CLASH:PENDING', enqueuedTimeUtc: app.clock.now() },
      app,
    );
    expect(outcome).toBe('CONFLICT_QUARANTINED');

    // When ops look the member up
    const answer = await opsGet(opsMember, 'ops/members/{memberId}', 'ops/members/M-1', {
      params: { memberId: 'M-1' },
    });

    // Then the contradiction is listed
    expect((answer.body as { contradictions: unknown[] }).contradictions).toEqual([
      { transactionId: 'T-CLASH', detail: expect.stringMatching(/^LEDGER.TYPE_MISMATCH: /) },
    ]);
  });

  it("shows a member conflict in the second claimant's member view, however many other rows it has quarantined", async () => {
    // Given M-1's load T-1, and M-2 with more quarantined messages than the member view lists
    await enrolled('M-1', 'M-2');
    await load('M-1', '250.00', { transactionId: 'T-1' });
    const base = {
      memberId: 'M-2',
      type: 'LOAD',
      method: 'APPLE_PAY',
      status: 'SETTLED',
      currency: 'AUD',
      initiatedAt: '2026-11-25T09:30:00+11:00',
      settledAt: '2026-11-25T09:30:01+11:00',
    };
    const conflicting = { ...base, transactionId: 'T-1', amount: '80.00', audAmount: '80.00' };
    const meta = { messageId: 'T-1:SETTLED', enqueuedTimeUtc: app.clock.now() };
    expect(await handleTransaction(conflicting, meta, app)).toBe('CONFLICT_QUARANTINED');
    for (let i = 0; i < MAX_CONTRADICTIONS + 5; i++) {
      app.clock.advance(1000);
      const bad = { ...base, transactionId: `T-BAD-${i}`, amount: 'lots', audAmount: 'lots' };
      await handleTransaction(
        bad,
        { messageId: `T-BAD-${i}:SETTLED`, enqueuedTimeUtc: app.clock.now() },
        app,
      );
    }

    // When ops look M-2 up
    const answer = await opsGet(opsMember, 'ops/members/{memberId}', 'ops/members/M-2', {
      params: { memberId: 'M-2' },
    });

    // Then the member conflict is listed, though the newest quarantined rows are all bad amounts
    const body = answer.body as { contradictions: unknown[]; quarantined: { reason: string }[] };
    expect(body.quarantined.every((q) => q.reason !== 'LEDGER.MEMBER_MISMATCH')).toBe(true);
    expect(body.contradictions).toEqual([
      { transactionId: 'T-1', detail: expect.stringMatching(/^LEDGER.MEMBER_MISMATCH: /) },
    ]);
  });

  it('answers 404 for a member not enrolled and 400 for an invalid member id', async () => {
    // Given no enrolment for M-9
    // When ops look up M-9 and a malformed id
    const missing = await opsGet(opsMember, 'ops/members/{memberId}', 'ops/members/M-9', {
      params: { memberId: 'M-9' },
    });
    const invalid = await opsGet(opsMember, 'ops/members/{memberId}', 'ops/members/x', {
      params: { memberId: 'M 9;drop' },
    });

    // Then each is answered with its own code
    expect(missing).toMatchObject({ status: 404, body: { code: 'MEMBER.NOT_ENROLLED' } });
    expect(invalid).toMatchObject({ status: 400, body: { errors: [{ path: 'memberId' }] } });
  });

  it('re-drive answers 202, releases holds and restarts an idle campaign', async () => {
    // Given a member held by a quarantined feed row, whose orchestration failed
    await enrolled('M-1');
    await app.client.signalMember('M-1', 'hold', {
      ref: 'FEED:2026-11-26:v1:17',
      businessDate: '2026-11-26',
      version: 1,
      reason: 'TX.BAD_AMOUNT',
      at: NOW,
    });
    const instanceId = instanceIdOf({ campaignId: 'cold-member-activation', memberId: 'M-1' });
    app.client.setStatus(instanceId, 'Failed');
    expect(Object.keys(app.client.state('M-1')?.ledger?.holds ?? {})).toHaveLength(1);

    // When ops re-drive the member
    const answer = await redrive('M-1');

    // Then it is accepted, the holds are released and the campaign runs again
    expect(answer).toMatchObject({ status: 202, body: { memberId: 'M-1', action: 'RESTARTED', instanceId } });
    expect(app.client.state('M-1')?.ledger?.holds).toEqual({});
    expect(app.client.starts).toHaveLength(2);
    expect((await app.client.status(instanceId))?.runtimeStatus).toBe('Running');
  });

  it('re-drive resolves the quarantined rows behind the holds it releases, saying by what', async () => {
    // Given a member held by a quarantined feed row
    await enrolled('M-1');
    await app.repos.quarantine.put({
      key: '2026-11-26:v1:line:17',
      source: 'FEED',
      reason: 'TX.BAD_AMOUNT',
      detail: 'amount "x"',
      memberId: 'M-1',
      businessDate: '2026-11-26',
      line: 17,
      raw: 'T-7,M-1,LOAD,…',
      receivedAt: NOW,
    });
    const [row] = (await app.repos.quarantine.list({ limit: 10, resolution: 'UNRESOLVED' })).items;
    await app.client.signalMember('M-1', 'hold', {
      ref: row?.id ?? '',
      businessDate: '2026-11-26',
      version: 1,
      reason: 'TX.BAD_AMOUNT',
      at: NOW,
    });

    // When ops re-drive the member
    await redrive('M-1');

    // Then the row no longer shows as unresolved, and says when and by what it was resolved
    expect((await app.repos.quarantine.list({ limit: 10, resolution: 'UNRESOLVED' })).items).toEqual([]);
    const [resolved] = (await app.repos.quarantine.list({ limit: 10 })).items;
    expect(resolved).toMatchObject({
      resolvedAt: expect.any(String),
      resolution: expect.stringMatching(/^released by re-drive of M-1 \(ops /),
    });
  });

  it('re-drive wakes a running campaign instead of starting another', async () => {
    // Given a member whose campaign is running
    await enrolled('M-1');

    // When ops re-drive
    const answer = await redrive('M-1');

    // Then nothing new is started: the running instance is woken to release the holds and decide now
    expect(answer).toMatchObject({ status: 202, body: { action: 'RUNNING' } });
    expect(app.client.starts).toHaveLength(1);
    expect(app.client.wakeUps).toEqual([
      {
        instanceId: instanceIdOf({ campaignId: 'cold-member-activation', memberId: 'M-1' }),
        event: { by: 'REDRIVE', at: expect.any(String), releaseHolds: true },
      },
    ]);
  });

  it('re-drive answers 404 for a member not enrolled and 403 to a member', async () => {
    // Given no enrolment for M-9
    // When ops, then a member, re-drive
    const missing = await redrive('M-9');
    const member = await redrive('M-9', asMember('M-9'));

    // Then neither starts anything
    expect([missing.status, member.status]).toEqual([404, 403]);
    expect(app.client.starts).toEqual([]);
  });

  it('counts members per state in the funnel, every state present', async () => {
    // Given members in four states
    await enrolled('M-1', 'M-2', 'M-3', 'M-4');
    await load('M-2', '250.00');
    await load('M-3', '1000.00');
    await load('M-4', '1000.00');
    await load('M-4', '50.00', { type: 'WITHDRAWAL', method: 'BANK_ACCOUNT' });

    // When the dispatch has written their projections and ops read the funnel
    await dispatchNotifications(app);
    const answer = await opsGet(opsFunnel, 'ops/funnel', 'ops/funnel');

    // Then each member is counted once, in its state
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      campaignId: 'cold-member-activation',
      asOf: NOW,
      source: 'memberStates',
      enrolledOn: null,
      members: 4,
      atRisk: 0,
      held: 0,
      rewards: { pending: 0, needsReview: 0 },
      deadLetters: null,
      counts: {
        ENROLLED: 1,
        ACTIVE: 1,
        PENDING_REWARD: 1,
        DISQUALIFIED: 1,
        REWARDING: 0,
        COMPLETE: 0,
        EXPIRED: 0,
        NEEDS_REVIEW: 0,
      },
    });
  });

  it('narrows the funnel to one day of enrolment, and refuses a day that is not a date', async () => {
    // Given two members enrolled today (2026-11-25 in Sydney) and one the day before
    await enrolled('M-1', 'M-2');
    expect((await postEnrolment({ memberId: 'M-3', enrolledAt: '2026-11-24T09:00:00+11:00' })).status).toBe(
      201,
    );
    await load('M-2', '250.00');
    await dispatchNotifications(app);

    // When ops read the funnel of each day, of a day nobody enrolled on, and of a malformed day
    const funnelOn = (day: string) => opsGet(opsFunnel, 'ops/funnel', `ops/funnel?enrolledOn=${day}`);
    const today = await funnelOn('2026-11-25');
    const yesterday = await funnelOn('2026-11-24');
    const none = await funnelOn('2026-11-20');
    const bad = await funnelOn('2026-02-30');

    // Then each day counts only its own members, in their states
    expect(today.body).toMatchObject({
      enrolledOn: '2026-11-25',
      members: 2,
      counts: { ENROLLED: 1, ACTIVE: 1 },
    });
    expect(yesterday.body).toMatchObject({
      enrolledOn: '2026-11-24',
      members: 1,
      counts: { ENROLLED: 1, ACTIVE: 0 },
    });
    expect(none.body).toMatchObject({ enrolledOn: '2026-11-20', members: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'REQUEST.VALIDATION', errors: [{ path: 'enrolledOn' }] });
  });

  describe('GET /api/ops/quarantine', () => {
    beforeEach(async () => {
      // Three invalid real-time messages, each quarantined under its own message id
      for (const [i, body] of ['not json', { transactionId: 'T-x' }, '{"a":1}'].entries()) {
        await handleTransaction(body, { messageId: `bad-${i}`, enqueuedTimeUtc: NOW }, app);
      }
    });

    it('lists quarantined items page by page', async () => {
      // Given three quarantined messages
      // When ops page through them two at a time
      const first = await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', {
        query: { limit: '2' },
      });
      const token = (first.body as { continuationToken?: string }).continuationToken ?? '';
      const second = await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', {
        query: { limit: '2', continuationToken: token },
      });

      // Then the pages hold every item once, and the last page has no token
      const items = [first, second].flatMap(
        (a) => (a.body as { items: { id: string; reason: string }[] }).items,
      );
      expect(first.body).toMatchObject({ items: [{}, {}], continuationToken: expect.any(String) });
      expect(second.body).not.toHaveProperty('continuationToken');
      expect(new Set(items.map((i) => i.id)).size).toBe(3);
      expect(items.map((i) => i.reason).sort()).toEqual([
        'MESSAGE.NOT_JSON',
        'MESSAGE.SCHEMA',
        'MESSAGE.SCHEMA',
      ]);
    });

    it('filters by source', async () => {
      // Given only real-time items
      // When ops ask for feed rows
      const answer = await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', {
        query: { source: 'FEED' },
      });

      // Then the page is empty
      expect(answer).toMatchObject({ status: 200, body: { items: [] } });
    });

    it('filters by reason code, member and resolution across pages', async () => {
      // Given a fourth item of a member, resolved
      await app.repos.quarantine.put({
        key: '2026-11-24:v1:7',
        source: 'FEED',
        reason: 'TX.BAD_AUD_AMOUNT',
        detail: 'audAmount: not a decimal',
        memberId: 'M-Q',
        line: 7,
        raw: { file: 'f.csv', line: 7, text: 'x' },
        receivedAt: NOW,
      });
      const list = async (query: Record<string, string>) => {
        const ids: string[] = [];
        let token: string | undefined;
        do {
          const answer = await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', {
            query: { ...query, limit: '1', ...(token ? { continuationToken: token } : {}) },
          });
          expect(answer.status).toBe(200);
          const body = answer.body as { items: { id: string }[]; continuationToken?: string };
          ids.push(...body.items.map((i) => i.id));
          token = body.continuationToken;
        } while (token);
        return ids;
      };

      // When ops narrow by reason, by member and by resolution
      const schema = await list({ reason: 'MESSAGE.SCHEMA' });
      const member = await list({ memberId: 'M-Q' });
      const id = member[0] ?? '';
      await app.repos.quarantine.resolve(id, 'corrected file v2', NOW);
      const resolved = await list({ resolvedOnly: 'true' });
      const unresolvedOfMember = await list({ memberId: 'M-Q' });

      // Then each answer holds exactly the matching items
      expect(schema).toHaveLength(2);
      expect(member).toEqual([id]);
      expect(resolved).toEqual([id]);
      expect(unresolvedOfMember).toEqual([]);
    });

    it('answers 400 to resolvedOnly with unresolvedOnly=true and to a reason that is no code', async () => {
      const queries: Record<string, string>[] = [
        { resolvedOnly: 'true', unresolvedOnly: 'true' },
        { reason: "x' OR 1=1" },
      ];
      for (const query of queries) {
        const answer = await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', { query });
        expect(answer).toMatchObject({ status: 400, body: { code: 'REQUEST.VALIDATION' } });
      }
    });

    it('answers 400 to a continuation token it did not issue, or issued for another filter', async () => {
      // Given a real token of the unfiltered listing
      const first = await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', {
        query: { limit: '1' },
      });
      const token = (first.body as { continuationToken: string }).continuationToken;

      // When ops pass garbage, a cut token, or the token with another filter
      const answers = [
        await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', {
          query: { continuationToken: 'garbage' },
        }),
        await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', {
          query: { limit: '1', continuationToken: token.slice(0, -3) },
        }),
        await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', {
          query: { source: 'REALTIME', continuationToken: token },
        }),
        // a hand-made token of the right listing whose store token is forged
        await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', {
          query: {
            continuationToken: encodeContinuation('ops/quarantine?source=&unresolvedOnly=true', 'forged'),
          },
        }),
      ];
      expect(answers).toHaveLength(4);

      // Then each is a 400 naming the token, never the first page again
      for (const answer of answers)
        expect(answer).toMatchObject({
          status: 400,
          body: { code: 'REQUEST.CONTINUATION_TOKEN', errors: [{ path: 'continuationToken' }] },
        });
    });

    it.each([
      [{ limit: '0' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ source: 'EMAIL' }, 'source'],
      [{ unresolvedOnly: 'yes' }, 'unresolvedOnly'],
    ])('answers 400 naming the parameter for %o', async (query, path) => {
      // Given a malformed query
      // When ops list the quarantine
      const answer = await opsGet(opsQuarantine, 'ops/quarantine', 'ops/quarantine', { query });

      // Then the offending parameter is named
      expect(answer).toMatchObject({ status: 400, body: { code: 'REQUEST.VALIDATION', errors: [{ path }] } });
    });
  });
});

describe('GET /api/health', () => {
  const failing: DependencyCheck = {
    name: 'cosmos',
    check: async () => {
      throw new Error('ECONNREFUSED 127.0.0.1:8081');
    },
  };
  const healthy: DependencyCheck = { name: 'points', check: async () => 'HTTP 404' };
  const ask = async (checks: DependencyCheck[], headers: Record<string, string> = {}) => {
    const response = answerOf(await health(httpRequest('GET', 'health', { headers }), healthProbe(checks)));
    expect(validateResponse('GET', 'health', response.status, response.contentType, response.body)).toEqual(
      [],
    );
    return response;
  };

  it('tells an anonymous caller only "degraded", with 503, when a dependency fails', async () => {
    // Given one healthy and one failing dependency
    // When an anonymous caller asks
    const response = await ask([healthy, failing]);

    // Then the answer is 503 degraded and says nothing more
    expect(response.status).toBe(503);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toEqual({ status: 'degraded' });
  });

  it('tells an anonymous caller only "ok" when every check answers', async () => {
    const response = await ask([healthy]);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it("gives ops each dependency's status and detail; a member gets no more than anyone", async () => {
    const ops = await ask([healthy, failing], asOps());
    expect(ops.body).toEqual({
      status: 'degraded',
      dependencies: {
        points: { status: 'ok', detail: 'HTTP 404' },
        cosmos: { status: 'unavailable', detail: 'ECONNREFUSED 127.0.0.1:8081' },
      },
    });
    expect((await ask([healthy, failing], asMember('M-1'))).body).toEqual({ status: 'degraded' });
  });

  it('checks the dependencies at most once per period, however many callers ask', async () => {
    // Given a probe on a controlled monotonic clock
    let calls = 0;
    let now = 0;
    const counted: DependencyCheck = { name: 'points', check: async () => String(++calls) };
    const probe = healthProbe([counted], 5_000, () => now);

    // When 50 callers ask at once, then again within the period, then after it
    await Promise.all(Array.from({ length: 50 }, () => health(httpRequest('GET', 'health'), probe)));
    now = 4_999;
    await health(httpRequest('GET', 'health'), probe);
    now = 5_000;
    await health(httpRequest('GET', 'health'), probe);

    // Then the dependency saw two checks
    expect(calls).toBe(2);
  });

  it('judges the points API by its status: 5xx is unavailable, a 404 or 405 is a server answering', async () => {
    // Given the deployed checks against a points stand-in answering a status of our choosing
    const statuses: number[] = [];
    let answer = 503;
    const server = createServer((_req, res) => {
      statuses.push(answer);
      res.writeHead(answer).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const services = {
      ...app.services,
      settings: { ...app.services.settings, points: { ...app.services.settings.points, url } },
    };
    const points = standardChecks(() => services).filter((c) => c.name === 'points');
    try {
      // When it answers 503, then 404
      const down = await ask(points, asOps());
      answer = 404;
      const up = await ask(points, asOps());

      // Then 503 degraded naming the status, then 200 ok
      expect(down).toMatchObject({
        status: 503,
        body: {
          status: 'degraded',
          dependencies: { points: { status: 'unavailable', detail: expect.stringContaining('503') } },
        },
      });
      expect(up).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(statuses).toEqual([503, 404]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('never includes a secret or the configuration, even for ops with the points system unreachable', async () => {
    // Given the deployed checks over settings carrying keys and connection strings, points unreachable
    const response = await ask(
      standardChecks(() => app.services),
      asOps(),
    );

    // Then the body names each dependency and no key, password, connection string or campaign setting
    const text = JSON.stringify(response.body);
    expect(Object.keys((response.body as { dependencies: object }).dependencies).sort()).toEqual([
      'cosmos',
      'points',
    ]);
    for (const secret of Object.values(TEST_SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/AccountKey|SharedAccessKey|password|campaign/i);
  });
});

describe('registered HTTP functions (httpApi.ts)', () => {
  beforeAll(async () => {
    await import('../../src/functions/httpApi');
  });
  afterEach(() => setServices(undefined));

  const registered = () => currentRegistry().byTriggerType('httpTrigger');

  it('registers every documented route with its method, anonymous at the function level', () => {
    // Given the app's HTTP registrations
    // When they are compared with openapi.yaml
    const routes = registered().map((f) => {
      const methods = (f.trigger.methods as string[] | undefined) ?? [];
      return { name: f.name, route: String(f.trigger.route), methods, authLevel: f.trigger.authLevel };
    });

    // Then each is a documented operation, and authentication is left to the App Service edge
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const { route, methods, authLevel } of routes) {
      expect(authLevel).toBe('anonymous');
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        const documented = validateResponse(method, route, 500, 'application/problem+json', {
          type: 'x',
          title: 'x',
          status: 500,
          code: 'INTERNAL',
          detail: 'x',
        });
        expect(documented.filter((e) => /no path|not documented for/.test(e))).toEqual([]);
      }
    }
  });

  it('turns an unexpected failure into a 500 problem that leaks nothing and says retry is safe', async () => {
    // Given services whose members container fails with an error carrying a connection string
    const secretError = new Error(`connect failed for ${TEST_SECRETS.serviceBus}`);
    app.repos.members.get = () => Promise.reject(secretError);
    setServices(app.services);
    const fn = registered().find((f) => f.name === 'opsMember');
    if (!fn) throw new Error('opsMember is not registered');
    const logged: string[] = [];
    const context = invocationContextFor(
      fn,
      (line) => logged.push(line),
      () => durableClientData('http://127.0.0.1:9', 'testhub'),
    );

    // When ops call the endpoint
    const request = httpRequest('GET', 'ops/members/M-1', { headers: asOps(), params: { memberId: 'M-1' } });
    const answer = answerOf((await fn.handler(request, context)) as HttpResponseInit);

    // Then the caller gets a documented 500 problem without the error's text; the log keeps it for ops
    expect(
      validateResponse('GET', 'ops/members/{memberId}', answer.status, answer.contentType, answer.body),
    ).toEqual([]);
    expect(answer).toMatchObject({
      status: 500,
      body: { code: 'INTERNAL', detail: expect.stringContaining('safe to retry') },
    });
    expect(JSON.stringify(answer.body)).not.toContain('SharedAccessKey');
    expect(logged.join('\n')).toContain('GET /api/ops/members/M-1 failed');
  });
});

describe('quarantine records are bounded', () => {
  it('caps every stored field of a hostile message and says so', async () => {
    // Given a message with a 10,000-character transaction id and a 100,000-character extra field
    const hugeId = 'X'.repeat(10_000);
    const messageId = `${hugeId}:PENDING`;
    const body = {
      transactionId: hugeId,
      memberId: 'M-1',
      type: 'LOAD',
      method: 'APPLE_PAY',
      status: 'PENDING',
      amount: '10.00',
      currency: 'AUD',
      audAmount: '10.00',
      initiatedAt: '2026-11-25T10:00:00+11:00',
      padding: 'p'.repeat(100_000),
    };

    // When it is handled
    await handleTransaction(body, { messageId, enqueuedTimeUtc: NOW }, app);

    // Then the stored item keeps the heads of its fields within their caps, marked as cut
    const [item] = (await app.repos.quarantine.list({ limit: 10 })).items;
    expect(item?.detail.length).toBeLessThanOrEqual(QUARANTINE_CAPS.detail + 40);
    expect(item?.transactionId?.length).toBeLessThanOrEqual(QUARANTINE_CAPS.transactionId + 40);
    expect(JSON.stringify(item).length).toBeLessThan(QUARANTINE_CAPS.raw + 5_000);
    expect(item?.raw).toMatchObject({ cut: true, characters: JSON.stringify(body).length });
    expect(item?.detail).toMatch(/more characters cut\)$/);
  });

  it('keeps a small message whole', async () => {
    await handleTransaction(
      { transactionId: 'T-small' },
      { messageId: 'small-1', enqueuedTimeUtc: NOW },
      app,
    );
    const [item] = (await app.repos.quarantine.list({ limit: 10 })).items;
    expect(item?.raw).toEqual({ transactionId: 'T-small' });
  });
});
