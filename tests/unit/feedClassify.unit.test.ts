import { ChunkClassifier } from '../../src/feed/classify';
import { RecordSplitter } from '../../src/feed/records';
import { BAD_ROW_KINDS } from '../../scripts/feed/generate';
import { row } from '../support/feedHarness';

function classify(lines: string[], cohort = ['M-1']) {
  const classifier = new ChunkClassifier({
    businessDate: '2026-11-25',
    version: 1,
    maxAmountCents: 100_000_000,
    cohort: new Set(cohort),
  });
  const splitter = new RecordSplitter(2, classifier.onRecord);
  splitter.push(lines.join('\n') + '\n');
  splitter.end();
  return { tally: classifier.tally, ...classifier.drain() };
}

const good = row().split(',');

describe('chunk classification', () => {
  it('filters the cohort first: other members are counted, never validated', () => {
    const { tally, bad } = classify([row({ member_id: 'C-1', aud_amount: 'garbage' }), 'T-9,C-2,only three']);
    expect(tally).toMatchObject({
      rowsRead: 2,
      campaignRows: 0,
      rejected: 0,
      ignored: { NON_CAMPAIGN_MEMBER: 2 },
    });
    expect(bad).toEqual([]);
  });

  it.each(BAD_ROW_KINDS.map(([name, damage]) => [name, damage(good).join(',')]))(
    'quarantines a campaign row with %s',
    (_name, line) => {
      const { tally, bad, observations } = classify([line]);
      expect(tally).toMatchObject({ campaignRows: 1, rejected: 1, applied: 0 });
      expect(observations).toEqual([]);
      expect(bad).toEqual([
        {
          line: 2,
          code: expect.stringMatching(/^(TX|ROW)\./),
          detail: expect.any(String),
          raw: line,
          memberId: 'M-1',
          transactionId: 'T-1',
        },
      ]);
    },
  );

  it('quarantines malformed quoting and rows without a member id, whoever they belong to', () => {
    const { bad } = classify(['T-1,"M-1"x,LOAD', 'lonely']);
    expect(bad.map((b) => [b.line, b.code, b.memberId])).toEqual([
      [2, 'ROW.CSV_QUOTING', undefined],
      [3, 'ROW.COLUMN_COUNT', undefined],
    ]);
  });

  it('ignores spending types and unknown methods with their reason', () => {
    const { tally } = classify([
      row({ transaction_type: 'PURCHASE', method: 'CARD' }),
      row({ method: 'CARRIER_PIGEON' }),
    ]);
    expect(tally.ignored).toEqual({ NON_CAMPAIGN_MEMBER: 0, NON_QUALIFYING_TYPE: 1, UNKNOWN_METHOD: 1 });
  });

  it('applies a row repeated in the same chunk once and counts the repeat', () => {
    const { tally, observations } = classify([row(), row(), row({ status: 'REVERSED' })]);
    expect(tally).toMatchObject({ applied: 2, duplicateRows: 1 });
    expect(observations.map((o) => [o.line, o.observation.status])).toEqual([
      [2, 'SETTLED'],
      [4, 'REVERSED'],
    ]);
  });

  it('validates a quoted cohort row like any other', () => {
    const quoted = good.map((f) => `"${f}"`).join(',');
    const { observations } = classify([quoted]);
    expect(observations[0]?.observation).toMatchObject({
      transactionId: 'T-1',
      memberId: 'M-1',
      audCents: 10_000,
      source: 'FEED',
      feedVersion: 1,
      knownOn: '2026-11-25',
    });
  });
});
