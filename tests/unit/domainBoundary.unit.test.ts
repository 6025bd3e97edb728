import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The domain stays pure: a new import of an SDK, a Node built-in or a shell module must fail here, not in review.
describe('src/domain depends only on itself, zod and luxon', () => {
  const dir = path.join(__dirname, '../../src/domain');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s', (file) => {
    const source = readFileSync(path.join(dir, file), 'utf8');
    const imports = [...source.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map(
      (m) => m[1] as string,
    );
    const outside = imports.filter(
      (spec) => !/^\.\/[\w.]+$/.test(spec) && spec !== 'zod' && spec !== 'luxon',
    );
    expect(outside).toEqual([]);
  });

  it('has no clock reads or randomness', () => {
    for (const file of files) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      expect({ file, hits: source.match(/Date\.now\(|new Date\(\)|Math\.random|process\.env/g) }).toEqual({
        file,
        hits: null,
      });
    }
  });
});
