import { transactionFromFields } from '../../cli/transaction';
import { compileBlobPath } from '../../host/blobPath';
import { parseDuration } from '../../host/duration';
import { countCsvRecords } from '../../host/feedDrop';
import { parseRuntimeOptions } from '../../host/options';
import { resolveSetting } from '../../host/settings';

describe('durations for advance', () => {
  it('reads shorthand and ISO-8601', () => {
    expect(parseDuration('31d')).toBe(31 * 86_400_000);
    expect(parseDuration('1d12h')).toBe(36 * 3_600_000);
    expect(parseDuration('PT6H')).toBe(6 * 3_600_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('0')).toBe(0);
  });

  it('refuses calendar units and junk', () => {
    expect(() => parseDuration('P1M')).toThrow(/weeks, days, hours/);
    expect(() => parseDuration('31 days')).toThrow(/not a duration/);
  });
});

describe('feed row count', () => {
  it('counts records after the header, with quoted line breaks, CRLF and no final newline', () => {
    expect(countCsvRecords('h1,h2\n')).toBe(0);
    expect(countCsvRecords('h1,h2\r\na,b\r\n"x\r\ny",z\r\n')).toBe(2);
    expect(countCsvRecords('h1,h2\na,b')).toBe(1);
    expect(countCsvRecords('h1,h2\na,"say ""hi""\n"\n')).toBe(1);
  });
});

describe('blob trigger paths', () => {
  it('splits the container and binds {name} (which may contain slashes)', () => {
    const p = compileBlobPath('warehouse-drops/{name}');
    expect(p.container).toBe('warehouse-drops');
    expect(p.match('2026/transactions-2026-11-24.csv')).toEqual({ name: '2026/transactions-2026-11-24.csv' });
  });

  it('matches literal prefixes and suffixes', () => {
    const p = compileBlobPath('drops/in/{stem}.manifest.json');
    expect(p.match('in/transactions-2026-11-24.manifest.json')).toEqual({ stem: 'transactions-2026-11-24' });
    expect(p.match('in/transactions-2026-11-24.csv')).toBeUndefined();
  });
});

describe('%SETTING% resolution', () => {
  it('replaces whole and embedded references and names a missing one', () => {
    const env = { TRANSACTIONS_QUEUE: 'card-transactions', SUFFIX: 'x' };
    expect(resolveSetting('%TRANSACTIONS_QUEUE%', env)).toBe('card-transactions');
    expect(resolveSetting('q-%SUFFIX%', env)).toBe('q-x');
    expect(() => resolveSetting('%MISSING%', env)).toThrow(/%MISSING%, which is not set/);
  });
});

describe('CLI transaction fields', () => {
  it('fills the defaults a demo leaves out and derives the message id', () => {
    const now = '2026-11-25T00:00:00.000Z';
    const m = transactionFromFields(
      [
        'transactionId=T-1',
        'memberId=M-1',
        'type=LOAD',
        'method=APPLE_PAY',
        'status=SETTLED',
        'amount=250.00',
      ],
      now,
    );
    expect(m).toEqual({
      messageId: 'T-1:SETTLED',
      body: {
        transactionId: 'T-1',
        memberId: 'M-1',
        type: 'LOAD',
        method: 'APPLE_PAY',
        status: 'SETTLED',
        amount: '250.00',
        currency: 'AUD',
        audAmount: '250.00',
        initiatedAt: now,
        settledAt: now,
      },
    });
  });

  it('leaves settledAt out of a pending message and names missing fields', () => {
    const m = transactionFromFields(
      ['transactionId=T-2', 'memberId=M-1', 'type=LOAD', 'method=BPAY', 'status=PENDING', 'amount=5'],
      'x',
    );
    expect(m.body['settledAt']).toBeUndefined();
    expect(() => transactionFromFields(['transactionId=T-3'], 'x')).toThrow(
      /missing field\(s\): memberId, type, method, status, amount/,
    );
  });
});

describe('runtime options', () => {
  it('defaults to the documented ports and a real clock', () => {
    expect(parseRuntimeOptions([], {})).toMatchObject({
      appEntry: 'dist/src/index.js',
      dataDir: '.local',
      clock: { mode: 'real' },
      port: 7071,
      azuritePort: 10000,
      cosmosPort: 8081,
    });
  });

  it('lets flags win over the environment and parses a virtual start', () => {
    const o = parseRuntimeOptions(['--clock', 'virtual=2026-11-25T00:00:00Z', '--port', '9000'], {
      LOCAL_PORT: '8000',
      LOCAL_CLOCK: 'real',
    });
    expect(o).toMatchObject({
      port: 9000,
      clock: { mode: 'virtual', startMs: Date.parse('2026-11-25T00:00:00Z') },
    });
  });

  it('explains a bad clock value', () => {
    expect(() => parseRuntimeOptions(['--clock', 'fast'], {})).toThrow(/--clock must be/);
  });
});
