// Records orchestration histories from the current code: runs the CLI demo campaign on a local runtime
// (virtual clock), then writes, per orchestrator name, one instance per distinct outcome to
// tests/fixtures/durable-histories/<name>.json. `npm run record:histories`; see local/durable/README.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../local/cli/demo';
import { DurableStore } from '../../local/durable/store';
import { recordInstance, type RecordedInstance } from '../../local/durable/testing/recordedHistory';
import { spawnRuntime } from '../../local/host/spawnRuntime';

const OUT = join(__dirname, '../../tests/fixtures/durable-histories');

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'record-histories-'));
  const runtime = await spawnRuntime({ dataDir, clock: 'virtual=2026-11-01T00:00:00Z', compiled: true });
  try {
    const ok = await runDemo(runtime.client, (line) => console.log(line), {
      zone: process.env['CAMPAIGN_TIME_ZONE'] ?? 'Australia/Sydney',
      feedStartDate: process.env['CAMPAIGN_FEED_START_DATE'] ?? '2026-11-01',
    });
    if (!ok) throw new Error('the demo did not end as expected; not recording');
    // Let work the demo's last steps woke finish (a notification dispatch waits 2 s of virtual time).
    await runtime.client.admin('POST', '/_local/clock/advance', { by: '1m' });
    await runtime.client.admin('GET', '/_local/idle?timeoutMs=120000');
  } finally {
    await runtime.stop();
  }
  const store = new DurableStore(join(dataDir, 'durable.sqlite'));
  const byName = new Map<string, Map<string, RecordedInstance>>();
  for (const record of store.listInstances({}, 0, 100_000)) {
    // One per yield sequence and status, the shortest history (the smallest fixture covering it).
    const planned = (record.planner.planned ?? []).map((p) => `${p.kind}:${p.name}`).join(',');
    const key = `${record.status} ${planned}`;
    const kept = byName.get(record.name) ?? new Map<string, RecordedInstance>();
    const previous = kept.get(key);
    if (!previous || record.history.length < previous.history.length)
      kept.set(key, recordInstance(record, `${record.status} ${record.output ?? ''}`.slice(0, 100).trim()));
    byName.set(record.name, kept);
  }
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const [name, kept] of byName) {
    const recordings = [...kept.values()].sort((a, b) => a.label.localeCompare(b.label));
    writeFileSync(join(OUT, `${name}.json`), `${JSON.stringify(recordings, null, 1)}\n`);
    console.log(`${name}: ${recordings.map((r) => `${r.label} (${r.history.length} events)`).join('; ')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
