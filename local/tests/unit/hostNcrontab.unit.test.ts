import { nextOccurrence, parseNcrontab } from '../../host/ncrontab';

const at = (iso: string): number => Date.parse(iso);
const next = (expr: string, after: string): string | undefined => {
  const t = nextOccurrence(parseNcrontab(expr), at(after));
  return t === undefined ? undefined : new Date(t).toISOString();
};
const sequence = (expr: string, after: string, n: number): string[] => {
  const schedule = parseNcrontab(expr);
  const out: string[] = [];
  let t = at(after);
  for (let i = 0; i < n; i += 1) {
    t = nextOccurrence(schedule, t) as number;
    out.push(new Date(t).toISOString().slice(11, 19));
  }
  return out;
};

describe('NCRONTAB (6 fields, UTC)', () => {
  it('steps with */n and is strictly after the given instant', () => {
    expect(sequence('*/10 * * * * *', '2026-11-25T00:00:00Z', 3)).toEqual([
      '00:00:10',
      '00:00:20',
      '00:00:30',
    ]);
    expect(sequence('0 */15 * * * *', '2026-11-25T00:14:59.500Z', 2)).toEqual(['00:15:00', '00:30:00']);
  });

  it('handles ranges, lists and stepped ranges', () => {
    expect(sequence('0 0 9-11 * * *', '2026-11-25T10:30:00Z', 3)).toEqual([
      '11:00:00',
      '09:00:00',
      '10:00:00',
    ]);
    expect(sequence('0 5,35 * * * *', '2026-11-25T00:06:00Z', 3)).toEqual([
      '00:35:00',
      '01:05:00',
      '01:35:00',
    ]);
    expect(sequence('0 0 0-12/6 * * *', '2026-11-25T00:00:00Z', 3)).toEqual([
      '06:00:00',
      '12:00:00',
      '00:00:00',
    ]);
  });

  it('rolls over days, months and years', () => {
    expect(next('0 0 0 1 1 *', '2026-11-25T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 30 23 31 * *', '2026-11-25T00:00:00Z')).toBe('2026-12-31T23:30:00.000Z');
  });

  it('requires both day-of-month and day-of-week to match, as NCrontab does', () => {
    // 2026-11-25 is a Wednesday; the next Friday the 13th after it is in August 2027
    expect(next('0 0 12 13 * FRI', '2026-11-25T00:00:00Z')).toBe('2027-08-13T12:00:00.000Z');
    expect(next('0 0 8 * * MON-FRI', '2026-11-28T00:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
  });

  it('accepts month and weekday names', () => {
    expect(next('0 0 0 1 FEB *', '2026-11-25T00:00:00Z')).toBe('2027-02-01T00:00:00.000Z');
  });

  it('rejects malformed expressions with the reason', () => {
    expect(() => parseNcrontab('0 */5 * * *')).toThrow(/must have 6 fields/);
    expect(() => parseNcrontab('0 61 * * * *')).toThrow(/minute value "61" is outside 0-59/);
    expect(() => parseNcrontab('*/0 * * * * *')).toThrow(/bad step/);
    expect(() => parseNcrontab('0 0 5-2 * * *')).toThrow(/empty range/);
  });

  it('finds nothing for an impossible date instead of looping forever', () => {
    expect(next('0 0 0 31 FEB *', '2026-11-25T00:00:00Z')).toBeUndefined();
  });
});
