import fc from 'fast-check';
import { parseCsv } from '../../web/src/csv';
import {
  daysLeft,
  formatAud,
  formatInstant,
  formatLocalDate,
  formatPoints,
  percentOf,
} from '../../web/src/format';
import { csvField } from '../../src/functions/http/handlers/export';

// The console's formatting: money from integer cents without floats, times in the campaign zone with the
// zone named, and the CSV it reads back from the finance export.

describe('formatAud', () => {
  it('formats integer cents with two decimals and thousands separators', () => {
    expect(formatAud(0)).toBe('AUD 0.00');
    expect(formatAud(5)).toBe('AUD 0.05');
    expect(formatAud(99)).toBe('AUD 0.99');
    expect(formatAud(100000)).toBe('AUD 1,000.00');
    expect(formatAud(123456789)).toBe('AUD 1,234,567.89');
    expect(formatAud(-1250)).toBe('-AUD 12.50');
    expect(formatAud(Number.MAX_SAFE_INTEGER)).toBe('AUD 90,071,992,547,409.91');
  });

  it('refuses anything but a safe integer', () => {
    expect(() => formatAud(10.5)).toThrow(RangeError);
    expect(() => formatAud(Number.NaN)).toThrow(RangeError);
    expect(() => formatAud(2 ** 53)).toThrow(RangeError);
  });

  it('round-trips every safe integer exactly (digits, not division)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (cents) => {
        const text = formatAud(cents)
          .replace(/^-?AUD /, '')
          .replace(/[,.]/g, '');
        expect(BigInt(text) * (cents < 0 ? -1n : 1n)).toBe(BigInt(cents));
      }),
    );
  });

  it('formats points', () => {
    expect(formatPoints(2000)).toBe('2,000');
    expect(formatPoints(0)).toBe('0');
    expect(() => formatPoints(1.5)).toThrow(RangeError);
  });
});

describe('times in the campaign zone', () => {
  it('names the zone, across daylight saving', () => {
    expect(formatInstant('2026-11-24T22:00:00Z', 'Australia/Sydney')).toMatch(
      /^Wed,? 25 Nov,? 2026,? 09:00 AEDT \(Australia\/Sydney\)$/,
    );
    expect(formatInstant('2026-06-01T00:00:00Z', 'Australia/Sydney')).toMatch(
      /10:00 AEST \(Australia\/Sydney\)$/,
    );
    expect(formatInstant('not a time', 'Australia/Sydney')).toBe('not a time');
  });

  it('formats a campaign date as that calendar day', () => {
    expect(formatLocalDate('2026-12-30')).toMatch(/^Wed,? 30 Dec,? 2026$/);
  });

  it('counts days left from the server clock, rounding up, never below zero', () => {
    expect(daysLeft('2026-11-25T00:00:00Z', '2026-12-25T00:00:00Z')).toBe(30);
    expect(daysLeft('2026-11-25T00:00:01Z', '2026-12-25T00:00:00Z')).toBe(30);
    expect(daysLeft('2026-12-25T00:00:00Z', '2026-12-25T00:00:00Z')).toBe(0);
    expect(daysLeft('2026-12-26T00:00:00Z', '2026-12-25T00:00:00Z')).toBe(0);
  });

  it('gives whole percent toward the target, capped at 100', () => {
    expect([
      percentOf(0, 100000),
      percentOf(99999, 100000),
      percentOf(100000, 100000),
      percentOf(250000, 100000),
    ]).toEqual([0, 99, 100, 100]);
    expect(percentOf(-500, 100000)).toBe(0);
  });
});

describe('the export CSV', () => {
  const plain = fc.string().filter((s) => !/^[=+@\t\r]|^-(?!\d)/.test(s));
  it('quotes what needs quoting and reads it back field for field', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(plain, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const csv = rows.map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
          const back = parseCsv(csv).map((r) => r.map((f) => f));
          expect(back).toEqual(rows.map((r) => r.map((f) => f)));
        },
      ),
    );
  });

  it('quotes a leading formula character so no spreadsheet runs it', () => {
    expect(csvField('=SUM(A1)')).toBe(`"'=SUM(A1)"`);
    expect(csvField('@cmd')).toBe(`"'@cmd"`);
    expect(csvField('-12.50')).toBe('-12.50');
    expect(csvField('M-1')).toBe('M-1');
    expect(parseCsv(`${csvField('a,"b"')},x\r\n`)).toEqual([['a,"b"', 'x']]);
    expect(csvField(undefined)).toBe('');
  });
});
