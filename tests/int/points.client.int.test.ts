import {
  createPointsClient,
  type CreditPointsInput,
  type PointsClient,
} from '../../src/adapters/points/pointsClient';
import { TransientPointsError } from '../../src/adapters/points/errors';
import { startPointsStandIn, type PointsStandIn } from '../../local/points';

const CAMPAIGN = 'cold-member-activation';
const request = (memberId: string, points = 2000): CreditPointsInput => ({
  memberId,
  points,
  campaignId: CAMPAIGN,
  reference: `${CAMPAIGN}:${memberId}`,
});

// A loaded CI machine can take longer than a short timeout to answer a healthy stand-in, so only
// the tests about timing out use the impatient client, against faults far slower than its timeout.
const PATIENT_MS = 10_000;
const IMPATIENT_MS = 300;

let standIn: PointsStandIn;
let client: PointsClient;
let impatient: PointsClient;

beforeEach(async () => {
  standIn = await startPointsStandIn({ port: 0, host: '127.0.0.1' });
  client = createPointsClient({ url: standIn.url, timeoutMs: PATIENT_MS });
  impatient = createPointsClient({ url: standIn.url, timeoutMs: IMPATIENT_MS });
});
afterEach(async () => {
  await standIn.close();
});

describe('points client against the stand-in', () => {
  it('gets ISSUED (201) first and REPLAYED (200) with the original credit on a retry', async () => {
    const first = await client.creditPoints(request('M-1'));
    const again = await client.creditPoints(request('M-1'));
    expect(first.kind).toBe('ISSUED');
    expect(again.kind).toBe('REPLAYED');
    if (first.kind !== 'ISSUED' || again.kind !== 'REPLAYED') throw new Error('unreachable');
    expect(again.credit).toEqual(first.credit);
    expect(first.credit).toMatchObject({ memberId: 'M-1', points: 2000, reference: `${CAMPAIGN}:M-1` });
    expect(standIn.credits()).toHaveLength(1);
  });

  it('gets CONFLICT (409) for the same idempotency key with a different body, and nothing is credited twice', async () => {
    await client.creditPoints(request('M-1'));
    const result = await client.creditPoints(request('M-1', 5000));
    expect(result).toEqual({ kind: 'CONFLICT', detail: 'Idempotency-Key reused with a different request' });
    expect(standIn.credits().map((c) => c.points)).toEqual([2000]);
  });

  it('gets REFUSED 404 with the code for a member the points system does not know', async () => {
    const result = await client.creditPoints(request('UNKNOWN-7'));
    expect(result).toEqual({
      kind: 'REFUSED',
      status: 404,
      code: 'MEMBER_NOT_FOUND',
      detail: 'no loyalty member UNKNOWN-7',
    });
    expect(standIn.credits()).toEqual([]);
  });

  it('gets REFUSED 422 for an invalid body', async () => {
    const result = await client.creditPoints(request('M-1', 0));
    expect(result).toMatchObject({ kind: 'REFUSED', status: 422, code: 'INVALID_BODY' });
  });

  it.each([500, 503, 429] as const)(
    'throws TransientPointsError on %i, committing nothing',
    async (status) => {
      standIn.setFaults({ errorRate: 1, errorStatuses: [status] });
      const error: unknown = await client.creditPoints(request('M-1')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientPointsError);
      expect(error).toMatchObject({ status, retryAfterMs: status === 429 ? 1000 : undefined });
      expect(standIn.credits()).toEqual([]);
    },
  );

  it('throws TransientPointsError when the answer is slower than the timeout', async () => {
    standIn.setFaults({ latencyMs: 30_000 });
    const started = performance.now();
    await expect(impatient.creditPoints(request('M-1'))).rejects.toThrow(/timed out after 300 ms/);
    expect(performance.now() - started).toBeLessThan(PATIENT_MS);
  });

  it('throws TransientPointsError when nothing listens', async () => {
    const port = standIn.port;
    await standIn.close();
    const offline = createPointsClient({ url: `http://127.0.0.1:${port}`, timeoutMs: PATIENT_MS });
    await expect(offline.creditPoints(request('M-1'))).rejects.toBeInstanceOf(TransientPointsError);
    standIn = await startPointsStandIn();
  });

  it.each(['hang', 'destroy'] as const)(
    'after commit-then-timeout (%s), a retry gets REPLAYED with the credit that was committed',
    async (mode) => {
      standIn.setFaults({ commitThenTimeoutRate: 1, commitThenTimeoutMode: mode, hangMs: 30_000 });
      await expect(impatient.creditPoints(request('M-1'))).rejects.toBeInstanceOf(TransientPointsError);
      const committed = standIn.credits();
      expect(committed).toHaveLength(1);

      standIn.setFaults({ commitThenTimeoutRate: 0 });
      const retry = await client.creditPoints(request('M-1'));
      expect(retry).toEqual({ kind: 'REPLAYED', credit: committed[0] });
      expect(standIn.credits()).toHaveLength(1);
    },
  );

  it('sends the Idempotency-Key and optional API key, with a deterministic body', async () => {
    const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      seen.push({
        url: String(input),
        headers: init?.headers as Record<string, string>,
        body: String(init?.body),
      });
      return fetch(input, init);
    };
    const keyed = createPointsClient(
      { url: `${standIn.url}/`, timeoutMs: PATIENT_MS, apiKey: 'secret' },
      recordingFetch,
    );
    await keyed.creditPoints(request('M 1/x'));
    await keyed.creditPoints(request('M 1/x'));
    expect(seen[0]?.url).toBe(`${standIn.url}/members/M%201%2Fx/credits`);
    expect(seen[0]?.headers).toMatchObject({ 'Idempotency-Key': `${CAMPAIGN}:M 1/x`, 'x-api-key': 'secret' });
    expect(seen[0]?.body).toBe(seen[1]?.body);
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      points: 2000,
      campaignId: CAMPAIGN,
      reference: `${CAMPAIGN}:M 1/x`,
    });
  });

  it('treats a success with an unreadable body as transient, since the credit may be committed', async () => {
    const garbled: typeof fetch = async () => new Response('<html>ok</html>', { status: 201 });
    const result = createPointsClient({ url: standIn.url, timeoutMs: PATIENT_MS }, garbled).creditPoints(
      request('M-1'),
    );
    await expect(result).rejects.toThrow(/unreadable credit/);
  });
});
