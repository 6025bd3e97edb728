// Run by interceptions.canary.test.ts in a plain Node process (`node --import tsx`): Jest replaces
// `node:module` with its own, so the `Module.prototype.require` hooks can only be proven outside it.
import { installFunctionsCore } from '../../functionsCore';
import { installServiceBusShim } from '../../host/serviceBusShim';

async function main(): Promise<void> {
  const registry = installFunctionsCore();
  const sent: string[] = [];
  installServiceBusShim({ send: (entity, message) => void sent.push(`${entity}:${message.body}`) });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { app } = require('@azure/functions') as typeof import('@azure/functions');
  app.http('canaryHttp', { handler: () => ({ status: 204 }) });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sb = require('@azure/service-bus') as typeof import('@azure/service-bus');
  const client = new sb.ServiceBusClient('Endpoint=sb://127.0.0.1/;SharedAccessKeyName=k;SharedAccessKey=v');
  await client.createSender('canary-topic').sendMessages({ body: 'hello', messageId: 'm-1' });
  await client.close();
  const registered = registry.find('canaryHttp')?.trigger.type ?? null;
  process.stdout.write(`${JSON.stringify({ registered, sent })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
