import { createPointsClient } from '../../src/adapters/points/pointsClient';
import { isTransientPointsError, TransientPointsError } from '../../src/adapters/points/errors';

const input = { memberId: 'M-1', points: 2000, campaignId: 'c', reference: 'c:M-1' };
const answering =
  (status: number, body: string, headers: Record<string, string> = {}): typeof fetch =>
  async () =>
    new Response(body, { status, headers });
const clientFor = (fetchImpl: typeof fetch) =>
  createPointsClient({ url: 'http://points.invalid', timeoutMs: 50 }, fetchImpl);

describe('points client answer mapping', () => {
  it.each([400, 401, 403, 500, 502, 504])(
    'given %i, then it throws a TransientPointsError carrying the status',
    async (status) => {
      const error: unknown = await clientFor(answering(status, ''))
        .creditPoints(input)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientPointsError);
      expect(error).toMatchObject({ status, message: expect.stringContaining(`HTTP_${status}`) });
    },
  );

  it('given 429 with Retry-After seconds, then the error carries the wait in milliseconds', async () => {
    const error: unknown = await clientFor(answering(429, '{"code":"SLOW_DOWN"}', { 'retry-after': '3' }))
      .creditPoints(input)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 3000,
      message: expect.stringContaining('SLOW_DOWN'),
    });
  });

  it('given 422 without a JSON body, then it is REFUSED with a code derived from the status', async () => {
    expect(await clientFor(answering(422, 'bad points')).creditPoints(input)).toEqual({
      kind: 'REFUSED',
      status: 422,
      code: 'HTTP_422',
      detail: 'bad points',
    });
  });

  it('given a network failure, then the cause is kept and the error is transient', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
    };
    const error: unknown = await clientFor(failing)
      .creditPoints(input)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientPointsError);
    expect((error as Error).message).toBe('points API request failed: fetch failed: ECONNRESET');
  });
});

describe('isTransientPointsError', () => {
  it('recognises the error after the durable runtime flattened it into a plain Error', () => {
    const flattened = new Error(
      `Activity function 'issueReward' failed: TransientPointsError: points API timed out`,
    );
    expect(isTransientPointsError(flattened)).toBe(true);
    expect(isTransientPointsError(new Error('Cosmos said no'))).toBe(false);
  });
});
