import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { campaignClient, type CampaignClient } from './campaignClient';

/**
 * The invocation's durable client, reused across invocations that carry the same client binding data.
 *
 * `df.getClient` builds a new `DurableClient` on every call: it deep-copies the binding data and checks
 * every management URL with a URL validator, which costs more than the HTTP call the handler then makes.
 * The binding data (task hub, base URL, management URL templates with the system key) is the same for
 * every invocation of one host process, and a client holds no per-invocation state, so one client per
 * distinct binding data is enough. A rotated key changes the binding data and so gets a new client.
 */
export function durableClientOf(context: InvocationContext): DurableClient {
  return entryOf(context)?.durable ?? df.getClient(context); // no binding data: the SDK raises its own error
}

/** The campaign's view of the invocation's durable client (see `durableClientOf`). */
export function campaignClientOf(context: InvocationContext): CampaignClient {
  const entry = entryOf(context);
  if (!entry) return campaignClient(df.getClient(context));
  entry.campaign ??= campaignClient(entry.durable);
  return entry.campaign;
}

const MAX_CLIENTS = 16;
const clients = new Map<string, { durable: DurableClient; campaign?: CampaignClient }>();

function entryOf(
  context: InvocationContext,
): { durable: DurableClient; campaign?: CampaignClient } | undefined {
  const key = bindingKey(context);
  if (key === undefined) return undefined;
  let entry = clients.get(key);
  if (!entry) {
    if (clients.size >= MAX_CLIENTS) clients.clear(); // only key rotations add entries: a handful per process
    entry = { durable: df.getClient(context) };
    clients.set(key, entry);
  }
  return entry;
}

function bindingKey(context: InvocationContext): string | undefined {
  const input = context.options.extraInputs.find(
    (i) => i.type === 'durableClient' || i.type === 'orchestrationClient',
  );
  const data: unknown = input ? context.extraInputs.get(input) : undefined;
  if (data === undefined || data === null) return undefined;
  return typeof data === 'string' ? data : JSON.stringify(data);
}
