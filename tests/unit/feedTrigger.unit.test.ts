import { onFeedBlob, type OrchestrationStarter } from '../../src/feed/trigger';
import { parseFeedSettings } from '../../src/feed/settings';
import { memoryLog } from '../support/feedHarness';

const settings = parseFeedSettings({ CAMPAIGN_FEED_START_DATE: '2026-11-01', FEED_CHUNK_ROWS: '1000' });
const manifest = JSON.stringify({
  businessDate: '2026-11-25',
  file: 'transactions-2026-11-25.csv.gz',
  rowCount: 3,
  sha256: 'cd'.repeat(32),
  version: 2,
});

function starter(status?: string): OrchestrationStarter & { started: unknown[] } {
  const started: unknown[] = [];
  return {
    started,
    statusOf: async () => status,
    start: async (name, id, input) => void started.push({ name, id, input }),
  };
}

describe('feed blob trigger', () => {
  it('ignores every blob but a manifest (the data file is never read through the trigger)', async () => {
    const s = starter();
    expect(await onFeedBlob('transactions-2026-11-25.csv', 'x', settings, s, memoryLog())).toEqual({
      kind: 'IGNORED',
      blob: 'transactions-2026-11-25.csv',
    });
    expect(s.started).toEqual([]);
  });

  it('starts feedIngestion with a deterministic id and the settings it needs', async () => {
    const s = starter();
    const outcome = await onFeedBlob(
      'transactions-2026-11-25.manifest.json',
      Buffer.from(manifest),
      settings,
      s,
      memoryLog(),
    );
    expect(outcome).toEqual({ kind: 'STARTED', instanceId: 'feed:2026-11-25:v2:cdcdcdcdcdcd' });
    expect(s.started).toEqual([
      {
        name: 'feedIngestion',
        id: 'feed:2026-11-25:v2:cdcdcdcdcdcd',
        input: expect.objectContaining({
          chunkRows: 1000,
          container: 'warehouse-drops',
          feedStartDate: '2026-11-01',
          manifest: expect.objectContaining({ version: 2 }),
        }),
      },
    ]);
  });

  it('does nothing while the same run is active, and starts a finished one again (verify decides)', async () => {
    const running = starter('Running');
    expect(
      await onFeedBlob('transactions-2026-11-25.manifest.json', manifest, settings, running, memoryLog()),
    ).toMatchObject({ kind: 'ALREADY_RUNNING' });
    expect(running.started).toEqual([]);
    const finished = starter('Completed');
    expect(
      await onFeedBlob('transactions-2026-11-25.manifest.json', manifest, settings, finished, memoryLog()),
    ).toMatchObject({ kind: 'STARTED' });
  });

  it('alerts ops about an invalid manifest and starts nothing', async () => {
    const s = starter();
    const log = memoryLog();
    expect(
      await onFeedBlob('transactions-2026-11-26.manifest.json', manifest, settings, s, log),
    ).toMatchObject({ kind: 'INVALID_MANIFEST', code: 'MANIFEST.NAME' });
    expect(log.lines[0]).toMatch(
      /^FEED_REJECTED manifest=transactions-2026-11-26.manifest.json code=MANIFEST.NAME/,
    );
    expect(s.started).toEqual([]);
  });

  it('fails fast on missing settings', () => {
    expect(() => parseFeedSettings({})).toThrow(/CAMPAIGN_FEED_START_DATE/);
  });
});
