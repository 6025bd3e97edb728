/** The webhook prefix the host serves the durable HTTP API under. */
export const WEBHOOK_PREFIX = '/runtime/webhooks/durabletask';

/**
 * The `durableClient` input value (README §5): an object with `taskHubName`, `creationUrls` and
 * `managementUrls`; `rpcBaseUrl` ends with a slash because the SDK resolves relative paths against it,
 * and it takes precedence for every client operation. Set WEBSITE_HOSTNAME to the host's `host:port`,
 * otherwise the SDK rewrites the management URLs to http://localhost:7071.
 */
export function durableClientData(
  baseUrl: string,
  taskHubName: string,
  systemKey?: string,
): Record<string, unknown> {
  const webhook = `${baseUrl.replace(/\/+$/, '')}${WEBHOOK_PREFIX}`;
  // as in Azure, the management URLs carry the key the webhook routes require (`code=`)
  const query = `taskHub=${taskHubName}&connection=Storage${systemKey ? `&code=${encodeURIComponent(systemKey)}` : ''}`;
  const instance = `${webhook}/instances/INSTANCEID`;
  return {
    taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]`,
      waitOnNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}`,
    },
    managementUrls: {
      id: 'INSTANCEID',
      statusQueryGetUri: `${instance}?${query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${instance}?${query}`,
      restartPostUri: `${instance}/restart?${query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
      resumePostUri: `${instance}/resume?reason={text}&${query}`,
    },
    baseUrl: webhook,
    requiredQueryStringParameters: query,
    rpcBaseUrl: `${webhook}/`,
    httpBaseUrl: webhook,
  };
}

/** The check-status payload Azure returns when an instance is started (`createCheckStatusResponse` shape). */
export function managementPayload(
  baseUrl: string,
  taskHubName: string,
  instanceId: string,
  systemKey?: string,
): Record<string, string> {
  const urls = durableClientData(baseUrl, taskHubName, systemKey).managementUrls as Record<string, string>;
  const out: Record<string, string> = { id: instanceId };
  for (const [key, url] of Object.entries(urls))
    if (key !== 'id') out[key] = url.replace('INSTANCEID', instanceId);
  return out;
}
