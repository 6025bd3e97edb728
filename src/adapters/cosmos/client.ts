import type { Agent } from 'node:http';
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';

export interface CosmosSettings {
  endpoint: string;
  database: string;
  /** Account key (emulator, local); absent in Azure, where the managed identity is used. */
  key?: string;
  /** Test hook: an https agent that trusts the local emulator's self-signed certificate. */
  agent?: Agent;
}

/**
 * How often the SDK itself retries a 429 and for how long at most, before our own bounded retry
 * (`withThrottleRetry`) sees it: together they never wait unboundedly inside one function invocation.
 */
export const SDK_THROTTLE_RETRY = { maxRetryAttemptCount: 3, maxWaitTimeInSeconds: 10 } as const;

/** Builds the one CosmosClient of a process. Call once at start-up and share it. */
export function createCosmosClient(settings: CosmosSettings): CosmosClient {
  const auth = settings.key ? { key: settings.key } : { aadCredentials: new DefaultAzureCredential() };
  return new CosmosClient({
    endpoint: settings.endpoint,
    ...auth,
    ...(settings.agent ? { agent: settings.agent } : {}),
    connectionPolicy: {
      retryOptions: { ...SDK_THROTTLE_RETRY, fixedRetryIntervalInMilliseconds: 0 },
    },
  });
}
