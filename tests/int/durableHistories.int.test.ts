import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../support/sampleSettings';
import '../../src/index';
import { currentRegistry } from '../../local/functionsCore';
import { replayRecorded, type RecordedInstance } from '../../local/durable/testing/recordedHistory';

// Histories recorded from the orchestrators as deployed (npm run record:histories), replayed against
// today's code as Azure replays in-flight instances after a deployment: a changed yield sequence fails
// here instead of failing those instances in production (local/durable/README.md § Recorded histories).
const DIR = join(__dirname, '../fixtures/durable-histories');
const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];
const recordings = files.flatMap(
  (file) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as RecordedInstance[],
);

describe('recorded orchestration histories replay against the current code', () => {
  const registry = currentRegistry();

  it('has recordings of every registered orchestrator', () => {
    const orchestrators = registry.functions
      .filter((f) => f.trigger.type === 'orchestrationTrigger')
      .map((f) => f.name);
    const recorded = new Set(recordings.map((r) => r.name));
    expect(orchestrators.filter((name) => !recorded.has(name))).toEqual([]);
  });

  it.each(recordings.map((r) => [`${r.name}: ${r.label}`, r] as const))('%s', async (_title, recording) => {
    expect(await replayRecorded(registry, recording)).toBeUndefined();
  });
});
