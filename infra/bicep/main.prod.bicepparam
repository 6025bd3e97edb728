// Prod: zone-redundant storage, Cosmos and Service Bus Premium, 30-day point-in-time restore, Key Vault
// purge protection, two always-ready instances per group (one can be replaced without a cold start).
// Values that differ per subscription come from the GitHub environment `prod` (variables, not secrets).
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'cma-prod')
param location = readEnvironmentVariable('AZURE_LOCATION', 'australiaeast')
param environmentType = 'prod'

param authClientId = readEnvironmentVariable('AUTH_CLIENT_ID')
param pointsApiUrl = readEnvironmentVariable('POINTS_API_URL')
param pointsApiTimeoutMs = 10000

param alwaysReady = {
  http: 2
  durable: 2
}
param maximumInstanceCount = 200

// Sized for 1,000,000 enrolled members: the ledger and the transaction claims
// take every campaign transaction of both streams; the others see one write per member event.
param cosmosMaxThroughput = {
  members: 4000
  ledger: 20000
  rewards: 4000
  feedRuns: 1000
  quarantine: 1000
  transactionClaims: 10000
  ignoredMessages: 1000
  memberStates: 4000
}

param alertEmails = empty(readEnvironmentVariable('ALERT_EMAILS', '')) ? [] : split(readEnvironmentVariable('ALERT_EMAILS', ''), ',')
param warehouseWriterPrincipalId = readEnvironmentVariable('WAREHOUSE_WRITER_PRINCIPAL_ID', '')
param opsPrincipalId = readEnvironmentVariable('OPS_PRINCIPAL_ID', '')
// Empty = ops sign in to the Durable Functions Monitor through the API's app registration (AUTH_CLIENT_ID).
param monitorAuthClientId = readEnvironmentVariable('MONITOR_AUTH_CLIENT_ID', '')
