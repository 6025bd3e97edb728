// Dev: one always-ready instance per group, smaller Cosmos ceilings, 7-day point-in-time restore.
// Values that differ per subscription come from the GitHub environment `dev` (variables, not secrets).
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'cma-dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'australiaeast')
param environmentType = 'dev'

param authClientId = readEnvironmentVariable('AUTH_CLIENT_ID')
param pointsApiUrl = readEnvironmentVariable('POINTS_API_URL')

param alwaysReady = {
  http: 1
  durable: 1
}
param maximumInstanceCount = 40

param cosmosMaxThroughput = {
  members: 1000
  ledger: 1000
  rewards: 1000
  feedRuns: 1000
  quarantine: 1000
  transactionClaims: 1000
  ignoredMessages: 1000
  memberStates: 1000
}

param alertEmails = empty(readEnvironmentVariable('ALERT_EMAILS', '')) ? [] : split(readEnvironmentVariable('ALERT_EMAILS', ''), ',')
param warehouseWriterPrincipalId = readEnvironmentVariable('WAREHOUSE_WRITER_PRINCIPAL_ID', '')
param opsPrincipalId = readEnvironmentVariable('OPS_PRINCIPAL_ID', '')
// Empty = ops sign in to the Durable Functions Monitor through the API's app registration (AUTH_CLIENT_ID).
param monitorAuthClientId = readEnvironmentVariable('MONITOR_AUTH_CLIENT_ID', '')
