import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REASON_CODES, reasonCodeTable } from '../../src/reasonCodes';

// One table of every reason code (src/reasonCodes.ts), held to the code both ways and shown in
// docs/operations.md exactly as generated.
const SRC = join(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const code = sources(SRC)
  .filter((p) => !p.endsWith('reasonCodes.ts'))
  .map((p) => readFileSync(p, 'utf8'))
  .join('\n');
const literal = (text: string): boolean => code.includes(`'${text}'`);

describe('reason codes', () => {
  it('lists every namespaced code the source can record', () => {
    const used = new Set(
      [...code.matchAll(/'((?:MESSAGE|TX|ROW|LEDGER|MANIFEST)\.[A-Z_]+)'/g)].map((m) => m[1]),
    );
    const listed = new Set(Object.keys(REASON_CODES));
    expect([...used].filter((c) => c && !listed.has(c))).toEqual([]);
  });

  it('lists no code the source cannot record', () => {
    const stale = Object.keys(REASON_CODES).filter((c) => {
      // LEDGER.* are built from the ledger's conflict reasons; run codes are bare literals
      if (c.startsWith('LEDGER.')) return !literal(c.slice('LEDGER.'.length)) || !code.includes('`LEDGER.${');
      return !literal(c);
    });
    expect(stale).toEqual([]);
  });

  it('gives each code a meaning and an ops action', () => {
    for (const [c, entry] of Object.entries(REASON_CODES)) {
      expect(`${c}: ${entry.meaning.length > 10} ${entry.action.length > 3}`).toBe(`${c}: true true`);
    }
  });

  it('is the table docs/operations.md shows', () => {
    const doc = readFileSync(join(__dirname, '../../docs/operations.md'), 'utf8');
    const section = /<!-- reason-codes:start -->\n([\s\S]*?)\n<!-- reason-codes:end -->/.exec(doc)?.[1] ?? '';
    const cells = (table: string): string[][] =>
      table
        .split('\n')
        .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
        .map((l) =>
          l
            .slice(1, -1)
            .split(/(?<!\\)\|/)
            .map((c) => c.trim()),
        );
    // prettier pads the cells; compare them trimmed. On a difference, paste reasonCodeTable() there.
    expect(cells(section)).toEqual(cells(reasonCodeTable()));
  });
});
