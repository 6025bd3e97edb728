import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
/** Where the e2e global setup compiles `tsconfig.build.json` (git-ignored `.local/`). */
export const E2E_DIST = join(PROJECT_ROOT, '.local', 'e2e-dist');
/** Each runtime's data dir lives under here, one fresh folder per runtime. */
export const E2E_RUNS = join(PROJECT_ROOT, '.local', 'e2e-runs');
