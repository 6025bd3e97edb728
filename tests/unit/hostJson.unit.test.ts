import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHostJson, SERVICE_BUS_5X_KEYS } from '../../local/host/hostJson';

// host.json must mean the same on Azure (Service Bus extension 5.x from bundle [4.*, 5.0.0)) and locally.

const root = join(__dirname, '..', '..');
const dirs: string[] = [];

function withHostJson(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'cma-hostjson-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'host.json'), JSON.stringify(content));
  return dir;
}

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('host.json', () => {
  const hostJson = JSON.parse(readFileSync(join(root, 'host.json'), 'utf8')) as {
    extensionBundle: { version: string };
    extensions: { serviceBus: Record<string, unknown> };
  };

  it('uses the bundle that ships Service Bus 5.x, with only 5.x keys under extensions.serviceBus', () => {
    expect(hostJson.extensionBundle.version).toBe('[4.*, 5.0.0)');
    const keys = Object.keys(hostJson.extensions.serviceBus);
    expect(keys.filter((k) => !(SERVICE_BUS_5X_KEYS as readonly string[]).includes(k))).toEqual([]);
    expect(hostJson.extensions.serviceBus).toMatchObject({
      autoCompleteMessages: true,
      maxConcurrentCalls: 16,
      maxAutoLockRenewalDuration: '00:05:00',
    });
  });

  it('is read by the local host with the same keys, and without a warning', () => {
    expect(readHostJson(root)).toEqual({
      routePrefix: 'api',
      maxConcurrentCalls: 16,
      autoCompleteMessages: true,
      maxAutoLockRenewalMs: 5 * 60_000,
      warnings: [],
      // functionTimeout 00:10:00 from the app's host.json; the rest are the extension's defaults
      durableLimits: {
        functionTimeoutMs: 600_000,
        maxCustomStatusKb: 16,
        maxEntityOperationBatchSize: 50,
        maxOrchestrationActions: 100_000,
      },
    });
  });

  it('ignores the 2.x-4.x messageHandlerOptions as Azure does, and says where each setting moved', () => {
    const dir = withHostJson({
      extensions: {
        serviceBus: {
          prefetchCount: 32,
          messageHandlerOptions: {
            autoComplete: true,
            maxConcurrentCalls: 2,
            maxAutoRenewDuration: '00:01:00',
          },
        },
      },
    });
    const settings = readHostJson(dir);
    expect(settings.maxConcurrentCalls).toBe(16);
    expect(settings.maxAutoLockRenewalMs).toBe(5 * 60_000);
    expect(settings.warnings).toEqual([
      'host.json: extensions.serviceBus.messageHandlerOptions is ignored by the Service Bus extension 5.x ' +
        '(bundle [4.*, 5.0.0)) and here; move messageHandlerOptions.autoComplete → serviceBus.autoCompleteMessages, ' +
        'messageHandlerOptions.maxConcurrentCalls → serviceBus.maxConcurrentCalls, ' +
        'messageHandlerOptions.maxAutoRenewDuration → serviceBus.maxAutoLockRenewalDuration',
    ]);
  });

  it('honours the 5.x keys and warns on an unknown one', () => {
    const dir = withHostJson({
      extensions: {
        serviceBus: { maxConcurrentCalls: 4, maxAutoLockRenewalDuration: '1.00:30:00', maxConcurentCalls: 8 },
      },
    });
    const settings = readHostJson(dir);
    expect(settings.maxConcurrentCalls).toBe(4);
    expect(settings.maxAutoLockRenewalMs).toBe(24.5 * 3_600_000);
    expect(settings.warnings).toEqual([
      'host.json: extensions.serviceBus.maxConcurentCalls is ignored by the Service Bus extension 5.x (bundle [4.*, 5.0.0)) and here',
    ]);
  });

  it('refuses a malformed value, naming the setting', () => {
    const dir = withHostJson({ extensions: { serviceBus: { maxAutoLockRenewalDuration: '5 minutes' } } });
    expect(() => readHostJson(dir)).toThrow(
      /host\.json: extensions\.serviceBus\.maxAutoLockRenewalDuration must be a TimeSpan/,
    );
  });
});
