import type { Container } from '@azure/cosmos';
import { cosmosQuarantineRepository } from '../../src/adapters/cosmos/quarantineRepository';
import { InvalidContinuationError } from '../../src/adapters/ports';

// A continuation the store cannot resume from is the caller's mistake (HTTP 400), not a server fault. Real
// Cosmos refuses it in two ways that the local emulator (which ignores unknown tokens) cannot show: the
// service answers 400, or the SDK fails to parse a cross-partition token before sending anything.

/** A container whose queries fail with `error` on the first page. */
function failingWith(error: unknown): Container {
  const iterator = { fetchNext: () => Promise.reject(error) };
  return { items: { query: () => iterator } } as unknown as Container;
}

const sdkParseError = new Error(
  'Failed to parse continuation token: Unexpected token b in JSON at position 0',
);
const sdkFormatError = Object.assign(
  new Error('Invalid continuation token format. Expected token with rangeMappings property.'),
  { name: 'ErrorResponse' },
);
const service400 = Object.assign(new Error('Invalid Continuation Token'), { code: 400 });

describe('a quarantine listing given a continuation it did not issue', () => {
  it.each([
    ['the service answered 400', service400],
    ['the SDK could not parse the token', sdkParseError],
    ['the SDK found the token in the wrong format', sdkFormatError],
  ])('throws InvalidContinuationError when %s', async (_case, error) => {
    const repo = cosmosQuarantineRepository(failingWith(error));
    await expect(repo.list({ limit: 10, continuation: 'eyJ0b2tlbiI6Ii0ifQ' })).rejects.toBeInstanceOf(
      InvalidContinuationError,
    );
  });

  it('keeps server, network and first-page errors as they are', async () => {
    const unavailable = Object.assign(new Error('Service Unavailable'), { code: 503 });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    for (const error of [unavailable, reset])
      await expect(
        cosmosQuarantineRepository(failingWith(error)).list({ limit: 10, continuation: 'x' }),
      ).rejects.toBe(error);
    // without a continuation, even a 400 is the query's fault, not the caller's token
    await expect(cosmosQuarantineRepository(failingWith(service400)).list({ limit: 10 })).rejects.toBe(
      service400,
    );
  });
});
