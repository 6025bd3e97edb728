import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Imported before `src/index` by tests that load the whole entry point: the entry point parses every
// setting at start-up (src/app/startUp.ts), so the process needs the sample's values, as the local
// runtime provides them (a variable already set wins, as in Core Tools).
const { Values } = JSON.parse(readFileSync(join(__dirname, '../../local.settings.sample.json'), 'utf8')) as {
  Values: Record<string, string>;
};
for (const [name, value] of Object.entries(Values)) process.env[name] ??= value;
