import { feedInstanceId, manifestDateOf, parseManifest } from '../../src/feed/manifest';

const NAME = 'transactions-2026-11-25.manifest.json';
const body = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    businessDate: '2026-11-25',
    file: 'transactions-2026-11-25.csv',
    rowCount: 3,
    sha256: 'ab'.repeat(32),
    ...extra,
  });

describe('manifest', () => {
  it('recognises only manifest blob names', () => {
    expect(manifestDateOf(NAME)).toBe('2026-11-25');
    expect(manifestDateOf('transactions-2026-11-25.csv')).toBeUndefined();
    expect(manifestDateOf('dir/transactions-2026-11-25.manifest.json')).toBeUndefined();
  });

  it('defaults the version to 1, tolerates a BOM and ignores unknown fields', () => {
    expect(parseManifest(NAME, `\uFEFF${body({ producer: 'warehouse' })}`)).toEqual({
      ok: true,
      manifest: {
        businessDate: '2026-11-25',
        file: 'transactions-2026-11-25.csv',
        rowCount: 3,
        sha256: 'ab'.repeat(32),
        version: 1,
      },
    });
  });

  it.each([
    ['not JSON', '{', 'MANIFEST.JSON'],
    ['an upper-case checksum', body({ sha256: 'AB'.repeat(32) }), 'MANIFEST.SCHEMA'],
    ['a negative row count', body({ rowCount: -1 }), 'MANIFEST.SCHEMA'],
    ['a version 0', body({ version: 0 }), 'MANIFEST.SCHEMA'],
    ['a data file of another date', body({ file: 'transactions-2026-11-24.csv' }), 'MANIFEST.SCHEMA'],
    [
      'an impossible date',
      body({ businessDate: '2026-02-30', file: 'transactions-2026-02-30.csv' }),
      'MANIFEST.SCHEMA',
    ],
    [
      'a date other than its name',
      body({ businessDate: '2026-11-26', file: 'transactions-2026-11-26.csv' }),
      'MANIFEST.NAME',
    ],
  ])('rejects %s', (_name, text, code) => {
    expect(parseManifest(NAME, text)).toMatchObject({ ok: false, code });
  });

  it('derives a deterministic instance id from date, version and checksum prefix', () => {
    const parsed = parseManifest(NAME, body({ version: 2 }));
    if (!parsed.ok) throw new Error(parsed.detail);
    expect(feedInstanceId(parsed.manifest)).toBe('feed:2026-11-25:v2:abababababab');
  });
});
