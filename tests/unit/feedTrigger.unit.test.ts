import { onFeedBlob, type OrchestrationStarter } from '../../src/feed/trigger';
import { HttpRequest } from '@azure/functions';
import { MemoryFeedRunStore } from '../support/memory/feed';
import { opsFeeds } from '../../src/functions/feedHttp';
import { NAME_IDENTIFIER, PRINCIPAL_HEADER } from '../../src/functions/http/identity';
import { feedSettings, memoryLog } from '../support/feedHarness';
import { validateResponse } from '../support/openapi';

function opsRequest(): HttpRequest {
  const claims = [
    { typ: NAME_IDENTIFIER, val: 'ops-1' },
    { typ: 'roles', val: 'ops' },
  ];
  const principal = Buffer.from(JSON.stringify({ claims })).toString('base64');
  return new HttpRequest({
    method: 'GET',
    url: 'http://127.0.0.1/api/ops/feeds',
    headers: { [PRINCIPAL_HEADER]: principal },
  });
}

const settings = feedSettings({ CAMPAIGN_FEED_START_DATE: '2026-11-01', FEED_CHUNK_ROWS: '1000' });
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
    start: async (id, input) => void started.push({ id, input }),
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
      /^FEED_REJECTED run=2026-11-26:manifest:[0-9a-f]{12} file=transactions-2026-11-26.manifest.json code=MANIFEST.NAME/,
    );
    expect(s.started).toEqual([]);
  });

  it.each([
    ['not JSON', '{"businessDate": ', 'MANIFEST.JSON', 1],
    [
      'a file outside the container',
      manifest.replace('transactions-2026-11-25.csv.gz', '../secrets.csv'),
      'MANIFEST',
      2,
    ],
    ['a count of the wrong type', manifest.replace('"rowCount":3', '"rowCount":"0"'), 'MANIFEST.SCHEMA', 2],
  ])(
    'records a manifest with %s as a REJECTED run ops can list, and alerts',
    async (_name, text, code, version) => {
      // Given a feed run store behind the ops endpoints
      const runs = new MemoryFeedRunStore();
      const log = memoryLog();

      // When the bad manifest lands (twice: a re-drop of the same bytes)
      for (let i = 0; i < 2; i += 1)
        await onFeedBlob('transactions-2026-11-25.manifest.json', text, settings, starter(), log, {
          runs,
          now: () => '2026-11-26T01:00:00.000Z',
        });

      // Then one REJECTED run of the date carries the code, the ops listing shows it, and ops were alerted
      const [run, ...more] = await runs.listRuns('2026-11-25');
      expect(more).toEqual([]);
      expect(run).toMatchObject({
        status: 'REJECTED',
        version,
        file: 'transactions-2026-11-25.manifest.json',
        reason: { code: expect.stringContaining(code) },
      });
      const listing = await opsFeeds(opsRequest(), runs);
      expect(
        validateResponse('GET', 'ops/feeds', listing.status ?? 200, 'application/json', listing.jsonBody),
      ).toEqual([]);
      expect(listing.jsonBody).toMatchObject({
        items: [{ status: 'REJECTED', completedAt: '2026-11-26T01:00:00.000Z' }],
      });
      expect(log.lines.filter((l) => l.startsWith('FEED_REJECTED run='))).toHaveLength(2);
    },
  );
});
