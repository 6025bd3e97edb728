import { drawFault, faultsSchema, seededRandom } from '../../points/faults';

const draws = (faults: Parameters<typeof faultsSchema.parse>[0], n: number, seed = 1) => {
  const parsed = faultsSchema.parse(faults);
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => drawFault(parsed, random));
};

describe('stand-in faults', () => {
  it('given no faults, then no request is disturbed', () => {
    expect(draws({}, 1000).every((d) => d.kind === 'NONE')).toBe(true);
  });

  it('given rates, then faults occur at about those rates and errors use only the configured statuses', () => {
    const sample = draws(
      { errorRate: 0.2, errorStatuses: [503], commitThenTimeoutRate: 0.5, commitThenTimeoutMode: 'mixed' },
      10_000,
    );
    const errors = sample.filter((d) => d.kind === 'ERROR');
    const lost = sample.filter((d) => d.kind === 'COMMIT_THEN_HANG' || d.kind === 'COMMIT_THEN_DESTROY');
    expect(errors.length / sample.length).toBeCloseTo(0.2, 1);
    expect(lost.length / sample.length).toBeCloseTo(0.4, 1);
    expect(new Set(errors.map((d) => d.kind === 'ERROR' && d.status))).toEqual(new Set([503]));
    expect(new Set(lost.map((d) => d.kind))).toEqual(new Set(['COMMIT_THEN_HANG', 'COMMIT_THEN_DESTROY']));
  });

  it('given the same seed, then the same faults are drawn (reproducible runs)', () => {
    const faults = { errorRate: 0.3, commitThenTimeoutRate: 0.3 };
    expect(draws(faults, 200, 99)).toEqual(draws(faults, 200, 99));
    expect(draws(faults, 200, 99)).not.toEqual(draws(faults, 200, 100));
  });

  it('rejects a rate outside [0, 1]', () => {
    expect(faultsSchema.safeParse({ errorRate: 1.5 }).success).toBe(false);
  });
});
