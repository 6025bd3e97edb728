import { sendSchedule } from '../../scripts/bench-local/latency';

describe('bench:local latency send schedule', () => {
  it('ramps from 10% of the rate to the rate over the warm-up, then holds the rate', () => {
    const { dueMs, warmup } = sendSchedule(200, 5, 30);
    expect(dueMs.length - warmup).toBe(6000);
    // the ramp sends the average of 20/s and 200/s over 5 s
    expect(warmup).toBeGreaterThan(540);
    expect(warmup).toBeLessThan(560);
    expect(dueMs[1]).toBeCloseTo(50, 5); // 1 / (10% of 200/s)
    for (let i = 1; i < dueMs.length; i++) expect(dueMs[i]).toBeGreaterThan(dueMs[i - 1] as number);
    expect(dueMs[warmup]).toBe(5000);
    expect((dueMs[warmup + 1] as number) - (dueMs[warmup] as number)).toBeCloseTo(5, 9);
    expect(dueMs.at(-1)).toBeCloseTo(5000 + 5999 * 5, 6);
  });

  it('has no ramp when the warm-up is zero', () => {
    const { dueMs, warmup } = sendSchedule(100, 0, 2);
    expect(warmup).toBe(0);
    expect(dueMs).toHaveLength(200);
  });
});
