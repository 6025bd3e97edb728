import fc from 'fast-check';
import { addCents, asCents, formatCents, parseAudCents, sumCents, type AudCents } from '../../src/domain';

const MAX = 100_000_000;

describe('parseAudCents', () => {
  it.each([
    ['1000', 100_000],
    ['1000.5', 100_050],
    ['1000.50', 100_050],
    ['0.01', 1],
    ['007.10', 710],
    ['1000000.00', 100_000_000],
  ])('parses %s exactly as %d cents', (text, cents) => {
    expect(parseAudCents(text, { maxCents: MAX })).toEqual({ ok: true, value: cents });
  });

  it.each([
    ['', 'MONEY.EMPTY'],
    ['   ', 'MONEY.EMPTY'],
    [' 10', 'MONEY.FORMAT'],
    ['1,000.00', 'MONEY.FORMAT'],
    ['10.', 'MONEY.FORMAT'],
    ['.50', 'MONEY.FORMAT'],
    ['abc', 'MONEY.FORMAT'],
    ['0x10', 'MONEY.FORMAT'],
    ['1e3', 'MONEY.EXPONENT'],
    ['1E-2', 'MONEY.EXPONENT'],
    ['-5.00', 'MONEY.SIGN'],
    ['+5.00', 'MONEY.SIGN'],
    ['1.001', 'MONEY.TOO_MANY_DECIMALS'],
    ['0', 'MONEY.NOT_POSITIVE'],
    ['0.00', 'MONEY.NOT_POSITIVE'],
    ['1000000.01', 'MONEY.TOO_LARGE'],
    ['99999999999999999999', 'MONEY.TOO_LARGE'],
  ])('rejects %j with %s', (text, code) => {
    const result = parseAudCents(text, { maxCents: MAX });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe(code);
  });

  it('accepts zero only when asked to', () => {
    expect(parseAudCents('0.00', { maxCents: MAX, allowZero: true })).toEqual({ ok: true, value: 0 });
  });

  it('never goes through floating point: 0.1 + 0.2 style amounts stay exact', () => {
    const a = parseAudCents('0.10', { maxCents: MAX });
    const b = parseAudCents('0.20', { maxCents: MAX });
    if (!a.ok || !b.ok) throw new Error('parse failed');
    expect(formatCents(addCents(a.value, b.value))).toBe('0.30');
  });
});

describe('cents arithmetic', () => {
  it('formats negatives and small values with two fraction digits', () => {
    expect(formatCents(-1250)).toBe('-12.50');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(0)).toBe('0.00');
  });

  it('refuses non-integers', () => {
    expect(() => asCents(1.5)).toThrow(RangeError);
    expect(() => formatCents(Number.NaN)).toThrow(RangeError);
  });

  it('parse(format(x)) === x for every positive amount up to the maximum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), (cents) => {
        const parsed = parseAudCents(formatCents(cents), { maxCents: MAX });
        return parsed.ok && parsed.value === cents;
      }),
      { numRuns: 2000 },
    );
  });

  it('sums are exact and order-independent', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: MAX }), { maxLength: 200 }), (values) => {
        const cents = values as AudCents[];
        return (
          sumCents(cents) === sumCents([...cents].reverse()) &&
          sumCents(cents) === values.reduce((a, b) => a + b, 0)
        );
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseAudCents against an independent BigInt reference', () => {
  /** Exact decimal reading with BigInt: the reference the fast path must agree with. */
  function reference(text: string, maxCents: number): number | string {
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
    if (!m) return 'rejected';
    const cents = BigInt(m[1] as string) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
    if (cents === 0n || cents > BigInt(maxCents)) return 'rejected';
    return Number(cents);
  }

  it('agrees on every decimal-looking string, including leading zeros, long digit runs and stray characters', () => {
    const decimalish = fc
      .tuple(
        fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 18 }),
        fc.option(fc.string({ unit: fc.constantFrom('0', '3', '9'), maxLength: 4 })),
        fc.option(fc.constantFrom(' ', '-', '+', 'e', ',', 'x')),
      )
      .map(([whole, fraction, junk]) => `${whole}${fraction === null ? '' : `.${fraction}`}${junk ?? ''}`);
    fc.assert(
      fc.property(decimalish, fc.constantFrom(MAX, 1_000_000_000_000), (text, max) => {
        const parsed = parseAudCents(text, { maxCents: max });
        expect(parsed.ok ? parsed.value : 'rejected').toBe(reference(text, max));
      }),
      { numRuns: 5000 },
    );
  });
});
