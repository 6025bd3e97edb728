import fc from 'fast-check';
import { DateTime } from 'luxon';
import { parseAudCents, parseAudCentsChecked } from '../../src/domain/money';
import { utcIsoOf } from '../../src/domain/rawTransaction';

// The hand-written fast paths (issue 10.5) keep their proof: on generated inputs, edges included, they
// answer exactly what the reference path answers.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The reference reading of an instant: the documented shape `YYYY-MM-DDTHH:MM[:SS[.f{1,9}]](Z|±HH:MM)`,
 * an offset of at most 23:59, then luxon's ISO parser, normalised to UTC with millisecond precision.
 */
function referenceInstant(iso: string): string | undefined {
  const shape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(iso);
  if (!shape) return undefined;
  if (shape[1] !== undefined && (Number(shape[1]) > 23 || Number(shape[2]) > 59)) return undefined;
  // 24:00 is the end of the day, i.e. the next day's 00:00 (ISO 8601). luxon reads it so for years from
  // 0100 on, but for 0000-0099 it keeps the same day (its Date.UTC fallback), so the reference spells it out.
  const endOfDay = /T24:(\d{2})(?::(\d{2})(?:\.(\d+))?)?/.exec(iso);
  if (endOfDay && (endOfDay[1] !== '00' || (endOfDay[2] ?? '00') !== '00' || /[1-9]/.test(endOfDay[3] ?? '')))
    return undefined;
  const parsed = DateTime.fromISO(endOfDay ? iso.replace('T24:', 'T00:') : iso, { setZone: true });
  if (!parsed.isValid) return undefined;
  return (endOfDay ? parsed.plus({ days: 1 }) : parsed).toUTC().toISO() ?? undefined;
}

const field = (max: number, edges: number[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...edges) }, fc.integer({ min: 0, max }));

/** Instants built field by field, each field sometimes out of range. */
const instants = fc
  .record({
    year: field(9999, [0, 1, 1900, 1999, 2000, 2024, 2026, 2100, 9998, 9999]),
    month: field(13, [0, 1, 2, 3, 10, 12, 13]),
    day: field(32, [0, 1, 28, 29, 30, 31, 32]),
    hour: field(25, [0, 1, 2, 3, 23, 24, 25]),
    minute: field(61, [0, 30, 59, 60]),
    second: fc.option(field(61, [0, 59, 60]), { nil: undefined }),
    fraction: fc.option(fc.stringMatching(/^\d{1,10}$/), { nil: undefined }),
    zone: fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), field(25, [0, 10, 11, 14, 23, 24]), field(60, [0, 30, 45, 59, 60]))
        .map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`),
    ),
  })
  .map(({ year, month, day, hour, minute, second, fraction, zone }) => {
    const seconds =
      second === undefined ? '' : `:${pad(second)}${fraction === undefined ? '' : `.${fraction}`}`;
    return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}${seconds}${zone}`;
  });

/** Sydney's DST gaps and overlaps (first Sunday of October, first Sunday of April), with offsets. */
const dstEdges = fc
  .record({
    date: fc.constantFrom('2026-10-04', '2026-04-05', '2025-10-05', '2027-04-04'),
    hour: fc.integer({ min: 0, max: 4 }),
    minute: fc.constantFrom(0, 1, 29, 30, 59),
    offset: fc.constantFrom('+10:00', '+11:00', 'Z', '-00:00', '+00:00'),
  })
  .map(({ date, hour, minute, offset }) => `${date}T${pad(hour)}:${pad(minute)}:00${offset}`);

/** Well-formed strings with one character changed, dropped or added: the shape check's edges. */
const mutated = fc
  .tuple(instants, fc.nat(), fc.constantFrom('', '0', '9', ':', '-', '+', 'T', 'Z', ' ', '.', 'z', 't'))
  .map(([iso, at, c]) => {
    const i = at % (iso.length + 1);
    return at % 2 === 0 ? iso.slice(0, i) + c + iso.slice(i + 1) : iso.slice(0, i) + c + iso.slice(i);
  });

describe('the fast ISO-8601 instant parser (rawTransaction.ts) against luxon', () => {
  it.each([
    ['2026-11-25T09:12:00+11:00', '2026-11-24T22:12:00.000Z'],
    ['2024-02-29T23:30:00-01:00', '2024-03-01T00:30:00.000Z'],
    ['2026-12-31T24:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['2026-03-01T00:15:00+00:30', '2026-02-28T23:45:00.000Z'],
    ['2026-11-25T09:12:00.123456789Z', '2026-11-25T09:12:00.123Z'],
    ['2026-10-04T02:30:00+10:00', '2026-10-03T16:30:00.000Z'],
    ['0099-12-31T24:00Z', '0100-01-01T00:00:00.000Z'],
    ['9999-12-31T23:00:00-05:00', '+010000-01-01T04:00:00.000Z'],
    ['0000-01-01T00:00:00+01:00', '-000001-12-31T23:00:00.000Z'],
  ])('edge %s', (iso, utc) => {
    expect(utcIsoOf(iso)).toBe(utc);
    expect(referenceInstant(iso)).toBe(utc);
  });

  it.each([
    '2025-02-29T00:00:00Z',
    '2026-11-25T24:30:00Z',
    '2026-11-25T09:12:00+24:00',
    '2026-11-25T09:12Z0',
  ])('rejects %s like luxon does', (iso) => {
    expect(utcIsoOf(iso)).toBeUndefined();
    expect(referenceInstant(iso)).toBeUndefined();
  });

  it('agrees on generated instants: offsets, leap days, 24:00, DST edges, fractions, out-of-range fields', () => {
    fc.assert(
      fc.property(fc.oneof(instants, dstEdges, mutated), (iso) => {
        expect(utcIsoOf(iso)).toBe(referenceInstant(iso));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('the fast cents parser (money.ts) against the checked parser', () => {
  const digits = (unit: fc.Arbitrary<string>, maxLength: number) => fc.string({ unit, maxLength });
  const amounts = fc
    .tuple(
      fc.oneof(
        digits(fc.constantFrom('0', '1', '5', '9'), 18),
        fc.constantFrom('', '0', '00', '0000000000000', '9999999999999', '10000000000000', '1000000000000'),
      ),
      fc.option(digits(fc.constantFrom('0', '1', '5', '9'), 4), { nil: undefined }),
      fc.option(fc.constantFrom(' ', '-', '+', 'e', 'E', ',', '.', 'x', '٣'), { nil: undefined }),
      fc.boolean(),
    )
    .map(
      ([whole, fraction, junk, junkFirst]) =>
        `${junkFirst ? (junk ?? '') : ''}${whole}${fraction === undefined ? '' : `.${fraction}`}${junkFirst ? '' : (junk ?? '')}`,
    );

  it('answers the same Result (value, or code and message) on generated amounts', () => {
    fc.assert(
      fc.property(
        fc.oneof(amounts, fc.string({ maxLength: 8 })),
        fc.constantFrom(1, 99, 100_000_000, 1_000_000_000_000, 2_000_000_000_000),
        fc.boolean(),
        (text, maxCents, allowZero) => {
          const options = { maxCents, allowZero };
          expect(parseAudCents(text, options)).toEqual(parseAudCentsChecked(text, options));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
