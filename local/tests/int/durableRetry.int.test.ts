import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { durableHarness, type Harness } from '../../durable/testing/harness';

const T0 = Date.UTC(2026, 10, 1);

// Attempt times per key, read from the harness clock the activity runs under.
const attempts = new Map<string, number[]>();
let now: () => number = () => 0;

df.app.activity('durRetry_flaky', {
  handler: (input: unknown) => {
    const { key, failures } = input as { key: string; failures: number };
    const seen = attempts.get(key) ?? [];
    seen.push(now() - T0);
    attempts.set(key, seen);
    if (seen.length <= failures) throw new Error(`attempt ${seen.length} failed`);
    return `ok after ${seen.length}`;
  },
});

df.app.orchestration('durRetry_orch', function* (context: OrchestrationContext) {
  const input = context.df.getInput() as { key: string; failures: number };
  const options = new df.RetryOptions(1000, 3);
  options.backoffCoefficient = 2;
  try {
    const result: unknown = yield context.df.callActivityWithRetry('durRetry_flaky', options, input);
    const after: unknown = yield context.df.callActivity('durRetry_flaky', {
      key: `${input.key}-after`,
      failures: 0,
    });
    return { result, after };
  } catch (error) {
    return { caught: error instanceof Error ? error.message : String(error) };
  }
});

describe('durable engine: retries', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await durableHarness({ startMs: T0 });
    now = () => h.clock.now();
  });
  afterEach(async () => {
    await h.close();
  });

  it('retries a failing activity with DurableTask.Core backoff and succeeds on the third attempt', async () => {
    const id = await h.client.startNew('durRetry_orch', { input: { key: 'twice', failures: 2 } });
    await h.engine.whenIdle();
    await h.clock.advance(10_000);

    const status = await h.client.getStatus(id);
    expect(status.output).toEqual({ result: 'ok after 3', after: 'ok after 1' });
    // first try at 0, retry after 1 s, then after 1 s * 2^1 = 2 s.
    expect(attempts.get('twice')).toEqual([0, 1000, 3000]);
    // The later call got the id after the retry bookkeeping (0 try, 1 timer, 2 try, 3 timer, 4 try, 5 next).
    expect(h.engine.stats().byInstance[id]).toMatchObject({ activities: 4, timersFired: 2 });
  });

  it('gives up after maxNumberOfAttempts and surfaces the last failure to the orchestrator', async () => {
    const id = await h.client.startNew('durRetry_orch', { input: { key: 'always', failures: 99 } });
    await h.engine.whenIdle();
    await h.clock.advance(60_000);

    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect((status.output as { caught: string }).caught).toContain('attempt 3 failed');
    expect(attempts.get('always')).toEqual([0, 1000, 3000]);
    // The SDK waits for one more timer after the last failure; DurableTask.Core's RetryInterceptor
    // creates it due at once ("Dummy timer for back-compat"), so the failure surfaces at 3 s, not 7 s.
    expect(h.engine.stats().byInstance[id]?.timersFired).toBe(3);
    expect(new Date(status.lastUpdatedTime).getTime()).toBe(T0 + 3000);
  });
});
