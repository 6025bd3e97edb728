import { FEED_HEADER, parseFeedRow, parseRealtimeMessage, type MessageContext } from '../../src/domain';

const ctx: MessageContext = {
  enqueuedTimeUtc: '2026-11-25T13:30:00Z', // 00:30 on the 26th in Sydney
  timeZone: 'Australia/Sydney',
  maxAmountCents: 100_000_000,
};

const message = {
  transactionId: 'T-000123',
  memberId: 'M-42',
  type: 'LOAD',
  method: 'APPLE_PAY',
  status: 'SETTLED',
  amount: '250.00',
  currency: 'AUD',
  audAmount: '250.00',
  initiatedAt: '2026-11-25T09:12:00+11:00',
  settledAt: '2026-11-25T09:12:01+11:00',
};

function rejectCode(body: unknown, context: MessageContext = ctx): string | undefined {
  const result = parseRealtimeMessage(body, context);
  return result.ok ? undefined : result.code;
}

describe('real-time message (SPEC §7)', () => {
  it('turns the contract example into a real-time observation known on the local enqueue date', () => {
    const result = parseRealtimeMessage(message, { ...ctx, messageId: 'T-000123:SETTLED' });
    expect(result).toEqual({
      ok: true,
      value: {
        kind: 'OBSERVATION',
        observation: {
          transactionId: 'T-000123',
          memberId: 'M-42',
          type: 'LOAD',
          method: 'APPLE_PAY',
          status: 'SETTLED',
          amount: '250.00',
          currency: 'AUD',
          audCents: 25_000,
          initiatedAt: '2026-11-24T22:12:00.000Z',
          settledAt: '2026-11-24T22:12:01.000Z',
          source: 'REALTIME',
          knownOn: '2026-11-26',
        },
      },
    });
  });

  it('normalises any valid offset, fraction and leap day to the same UTC instant', () => {
    const at = (initiatedAt: string) => {
      const result = parseRealtimeMessage({ ...message, initiatedAt }, ctx);
      return result.ok && result.value.kind === 'OBSERVATION' ? result.value.observation.initiatedAt : result;
    };
    expect(at('2026-11-25T09:12:00.123456+11:00')).toBe('2026-11-24T22:12:00.123Z');
    expect(at('2026-11-24T22:12Z')).toBe('2026-11-24T22:12:00.000Z');
    expect(at('2026-11-24T17:42:00-04:30')).toBe('2026-11-24T22:12:00.000Z');
    expect(at('2028-02-29T00:00:00+11:00')).toBe('2028-02-28T13:00:00.000Z');
  });

  it('accepts JSON text and ignores unknown extra fields', () => {
    const result = parseRealtimeMessage(JSON.stringify({ ...message, channel: 'ios', extra: { a: 1 } }), ctx);
    expect(result.ok && result.value.kind).toBe('OBSERVATION');
  });

  it('hands the unknown fields back for the raw record, apart from the observation', () => {
    const plain = parseRealtimeMessage(message, ctx);
    const extended = parseRealtimeMessage({ ...message, channel: 'ios', extra: { a: 1 } }, ctx);
    if (!plain.ok || !extended.ok) throw new Error('expected both to parse');
    const { unknownFields, ...classified } = extended.value;
    expect(unknownFields).toEqual({ channel: 'ios', extra: { a: 1 } });
    expect(classified).toEqual(plain.value);
    expect(plain.value).not.toHaveProperty('unknownFields');
  });

  it('counts a foreign-currency load by its audAmount', () => {
    const result = parseRealtimeMessage(
      { ...message, amount: '650.00', currency: 'USD', audAmount: '1000.00' },
      ctx,
    );
    expect(result.ok && result.value.kind === 'OBSERVATION' && result.value.observation.audCents).toBe(
      100_000,
    );
  });

  it('accepts a currency with no minor units, and one with three', () => {
    expect(rejectCode({ ...message, amount: '16000', currency: 'JPY', audAmount: '160.00' })).toBeUndefined();
    expect(
      rejectCode({ ...message, amount: '50.125', currency: 'KWD', audAmount: '250.00' }),
    ).toBeUndefined();
  });

  it.each([
    ['not JSON', '{nope', 'MESSAGE.NOT_JSON'],
    ['a missing field', { ...message, audAmount: undefined }, 'MESSAGE.SCHEMA'],
    ['a number where a string is due', { ...message, amount: 250 }, 'MESSAGE.SCHEMA'],
    ['an unknown type', { ...message, type: 'TOPUP' }, 'TX.BAD_TYPE'],
    ['an unknown status', { ...message, status: 'DONE' }, 'TX.BAD_STATUS'],
    ['a bad transaction id', { ...message, transactionId: ' T 1' }, 'TX.BAD_ID'],
    ['a bad member id', { ...message, memberId: '' }, 'TX.BAD_MEMBER_ID'],
    ['an unknown currency', { ...message, currency: 'XYZ' }, 'TX.BAD_CURRENCY'],
    ['audAmount with 3 decimals', { ...message, audAmount: '250.001' }, 'TX.BAD_AUD_AMOUNT'],
    ['a zero audAmount', { ...message, audAmount: '0.00' }, 'TX.BAD_AUD_AMOUNT'],
    ['a negative audAmount', { ...message, audAmount: '-250.00' }, 'TX.BAD_AUD_AMOUNT'],
    ['audAmount over the maximum', { ...message, audAmount: '1000000.01' }, 'TX.BAD_AUD_AMOUNT'],
    ['an AUD amount that differs from audAmount', { ...message, amount: '251.00' }, 'TX.AUD_MISMATCH'],
    ['JPY with decimals', { ...message, currency: 'JPY', amount: '100.5' }, 'TX.BAD_AMOUNT'],
    ['a timestamp without offset', { ...message, initiatedAt: '2026-11-25T09:12:00' }, 'TX.BAD_TIMESTAMP'],
    ['an impossible date', { ...message, initiatedAt: '2026-02-30T09:12:00Z' }, 'TX.BAD_TIMESTAMP'],
    ['an impossible offset', { ...message, initiatedAt: '2026-11-25T09:12:00+25:00' }, 'TX.BAD_TIMESTAMP'],
    ['an impossible minute', { ...message, initiatedAt: '2026-11-25T09:60:00+11:00' }, 'TX.BAD_TIMESTAMP'],
    [
      '29 February of a common year',
      { ...message, initiatedAt: '2027-02-29T09:12:00+11:00' },
      'TX.BAD_TIMESTAMP',
    ],
    ['settledAt on a PENDING message', { ...message, status: 'PENDING' }, 'TX.SETTLED_AT_RULE'],
    ['no settledAt on a SETTLED message', { ...message, settledAt: undefined }, 'TX.SETTLED_AT_RULE'],
    [
      'no settledAt on a REVERSED message',
      { ...message, status: 'REVERSED', settledAt: undefined },
      'TX.SETTLED_AT_RULE',
    ],
  ])('rejects %s', (_case, body, code) => {
    expect(rejectCode(body)).toBe(code);
  });

  it('rejects a messageId that is not transactionId:status', () => {
    expect(rejectCode(message, { ...ctx, messageId: 'T-000123:PENDING' })).toBe('MESSAGE.ID_MISMATCH');
  });

  it('ignores spending types and methods not listed for the type', () => {
    expect(parseRealtimeMessage({ ...message, type: 'PURCHASE', method: 'POS' }, ctx)).toEqual({
      ok: true,
      value: { kind: 'IGNORED', reason: 'NON_QUALIFYING_TYPE' },
    });
    expect(parseRealtimeMessage({ ...message, method: 'CASH' }, ctx)).toEqual({
      ok: true,
      value: { kind: 'IGNORED', reason: 'UNKNOWN_METHOD' },
    });
    expect(parseRealtimeMessage({ ...message, type: 'WITHDRAWAL', method: 'APPLE_PAY' }, ctx)).toEqual({
      ok: true,
      value: { kind: 'IGNORED', reason: 'UNKNOWN_METHOD' },
    });
  });
});

describe('feed row (SPEC §7)', () => {
  const row = [
    'T-9',
    'M-42',
    'LOAD',
    'BPAY',
    'SETTLED',
    '400.00',
    'AUD',
    '400.00',
    '2026-11-25T09:00:00+11:00',
    '2026-11-27T10:00:00+11:00',
    '2026-11-27',
  ];
  const feedCtx = { businessDate: '2026-11-27', version: 2, maxAmountCents: 100_000_000 };

  it('has the contract header', () => {
    expect(FEED_HEADER.join(',')).toBe(
      'transaction_id,member_id,transaction_type,method,status,amount,currency,aud_amount,initiated_at,settled_at,business_date',
    );
  });

  it('becomes a feed observation known on its business date, with the manifest version', () => {
    const result = parseFeedRow(row, feedCtx);
    expect(result.kind === 'OBSERVATION' && result.observation).toMatchObject({
      source: 'FEED',
      knownOn: '2026-11-27',
      feedVersion: 2,
      audCents: 40_000,
      status: 'SETTLED',
    });
  });

  it('accepts a pending row with an empty settled_at', () => {
    const pending = [...row];
    pending[4] = 'PENDING';
    pending[9] = '';
    expect(parseFeedRow(pending, feedCtx).kind).toBe('OBSERVATION');
  });

  it.each([
    ['too few fields', row.slice(0, 10), 'ROW.COLUMN_COUNT'],
    ['another business date', [...row.slice(0, 10), '2026-11-26'], 'ROW.BUSINESS_DATE'],
    ['a bad amount', [...row.slice(0, 7), '4OO.00', ...row.slice(8)], 'TX.BAD_AUD_AMOUNT'],
    ['settled_at on PENDING', [...row.slice(0, 4), 'PENDING', ...row.slice(5)], 'TX.SETTLED_AT_RULE'],
  ])('rejects %s', (_case, fields, code) => {
    const result = parseFeedRow(fields, feedCtx);
    expect(result.kind === 'REJECTED' && result.code).toBe(code);
  });
});
