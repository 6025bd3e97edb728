import type { Registry, RegisteredFunction } from '../../functionsCore';
import { createInvoker, SUMMARY_EVERY_MS } from '../../host/invoke';

const timerFn = (name: string, fail = false): RegisteredFunction => ({
  name,
  bindings: { t: { type: 'timerTrigger', direction: 'in' } },
  trigger: { type: 'timerTrigger', direction: 'in', name: 't' },
  handler: async () => {
    if (fail) throw new Error('boom');
  },
});

describe('timer firings in the log', () => {
  afterEach(() => jest.useRealTimers());

  it('are summarised as one line per period instead of one per firing; failures stay one by one', async () => {
    // Given an invoker over two timer functions
    jest.useFakeTimers();
    const lines: string[] = [];
    const invoker = createInvoker({ hooks: [] } as unknown as Registry, (l) => lines.push(l));
    const sweep = timerFn('sweep');
    const dispatcher = timerFn('notifyDispatcher');

    // When an advance fires them 1,000 times, and one firing fails
    for (let i = 0; i < 990; i += 1)
      await invoker.invoke({ fn: dispatcher, triggerInput: {}, summarise: true });
    for (let i = 0; i < 10; i += 1) await invoker.invoke({ fn: sweep, triggerInput: {}, summarise: true });
    await invoker
      .invoke({ fn: timerFn('sweep', true), triggerInput: {}, summarise: true })
      .catch(() => undefined);
    await invoker.invoke({ fn: dispatcher, triggerInput: {}, summarise: true });
    await jest.advanceTimersByTimeAsync(SUMMARY_EVERY_MS);

    // Then the log has a summary before the failure, the failure, and a summary of the rest
    expect(lines).toEqual([
      'timer firings since the last summary: notifyDispatcher ×990, sweep ×10 (all ok; failures are logged one by one)',
      expect.stringMatching(/^sweep \(timerTrigger\) ERROR in .* ms: .*boom/),
      'timer firings since the last summary: notifyDispatcher ×1 (all ok; failures are logged one by one)',
    ]);
  });

  it('leaves other invocations one line each', async () => {
    const lines: string[] = [];
    const invoker = createInvoker({ hooks: [] } as unknown as Registry, (l) => lines.push(l));
    await invoker.invoke({ fn: timerFn('enrol'), triggerInput: {} });
    expect(lines).toEqual([expect.stringMatching(/^enrol \(timerTrigger\) ok in /)]);
  });
});
