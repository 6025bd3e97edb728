import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { virtualClock } from '../../clock';
import { createDurableEngine } from '../../durable/engine';
import { clientFor } from '../../durable/testing/harness';
import { currentRegistry } from '../../functionsCore';
import { installInProcessDurableClient } from '../../host/durableTransport';
import {
  azuriteInternals,
  cosmosServerInternals,
  installedVersion,
  installVirtualDate,
  SDK_CHECK_ENV,
  sdkSequenceNumber,
  WRITTEN_FOR,
  type InterceptedPackage,
} from '../../interceptions';

// The canary (`npm run test:canary`, local/README.md § SDK upgrades): every interception of
// local/interceptions.ts exercised against the packages installed now. Before an SDK upgrade, install
// the new version and run it with LOCAL_RUNTIME_SDK_CHECK=off: what fails names what to adapt.

df.app.orchestration('canary_sequence', function* (context: OrchestrationContext) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  return sdkSequenceNumber(context);
});

describe('SDK interceptions against the installed packages', () => {
  it.each(Object.keys(WRITTEN_FOR) as InterceptedPackage[])('%s is the version written for', (name) => {
    if (process.env[SDK_CHECK_ENV] === 'off') {
      process.stdout.write(
        `${name}: written for ${WRITTEN_FOR[name]}, installed ${installedVersion(name)}\n`,
      );
      return;
    }
    expect(installedVersion(name)).toBe(WRITTEN_FOR[name]);
  });

  it('Module.prototype.require supplies @azure/functions-core and the Service Bus shim (plain Node)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'requireHooks.ts')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).not.toContain('test mode');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}')).toEqual({
      registered: 'httpTrigger',
      sent: ['canary-topic:hello'],
    });
  }, 70_000);

  it("durable-functions' client reaches the engine through the axios adapter; the SDK's sequence number is readable", async () => {
    const clock = virtualClock(Date.UTC(2026, 10, 1));
    const baseUrl = 'http://127.0.0.1:9'; // nothing listens: only the in-process adapter can answer
    process.env.WEBSITE_HOSTNAME = '127.0.0.1:9';
    const engine = createDurableEngine({
      registry: currentRegistry(),
      dbPath: ':memory:',
      clock,
      baseUrl,
      log: () => undefined,
    });
    await engine.start();
    const uninstall = installInProcessDurableClient(baseUrl, engine);
    try {
      const client = clientFor(engine);
      await client.startNew('canary_sequence', { instanceId: 'canary-1' });
      await engine.whenIdle();
      await clock.advance(1000);
      await engine.whenIdle();
      const status = await client.getStatus('canary-1');
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.output).toBe(1);
    } finally {
      uninstall();
      await engine.stop();
    }
  });

  it('the Cosmos emulator and Azurite expose the internal classes the runtime patches and starts', () => {
    const { items, account } = cosmosServerInternals<{ prototype: Record<string, unknown> }, unknown>();
    for (const method of ['create', 'replace', 'upsert', 'delete', '_set', '_item'])
      expect(typeof items.default.prototype[method]).toBe('function');
    expect(typeof account.default).toBe('function');
    const { BlobServer, BlobConfiguration } = azuriteInternals<unknown, unknown>();
    expect([typeof BlobServer, typeof BlobConfiguration]).toEqual(['function', 'function']);
  });

  it('the global Date follows the virtual clock and is restored', () => {
    const restore = installVirtualDate(() => Date.UTC(2030, 0, 1));
    try {
      expect(new Date().toISOString()).toBe('2030-01-01T00:00:00.000Z');
      expect(Date.now()).toBe(Date.UTC(2030, 0, 1));
    } finally {
      restore();
    }
    expect(Date.now()).toBeGreaterThan(Date.UTC(2026, 0, 1));
  });
});
