// Cold Member Activation: every Azure resource the Functions app uses, with identity-based access only.
//
// Subscription scope (the Azure Developer CLI convention): one deployment creates the environment's resource
// group and everything in it, so dev and prod are two resource groups built from the same file, and
// `az deployment sub what-if` shows the whole change before prod is approved. Resources live in modules at
// resource-group scope.
targetScope = 'subscription'

@minLength(1)
@maxLength(24)
@description('Environment name, e.g. cma-dev. Names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region for every resource. australiaeast offers Flex Consumption, zone redundancy and is near the members.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group name; empty = rg-{environmentName}.')
param resourceGroupName string = ''

@description('dev or prod: switches zone redundancy, backup tier, Service Bus tier and Key Vault purge protection.')
@allowed(['dev', 'prod'])
param environmentType string = 'dev'

@description('Campaign configuration. Snapshotted per member at enrolment, so a change applies to later enrolments only.')
param campaign object = {
  id: 'cold-member-activation'
  targetAudCents: 100000
  windowDays: 30
  timeZone: 'Australia/Sydney'
  graceDays: 5
  rewardPoints: 2000
  withdrawalPolicy: 'ANY_WITHDRAWAL'
  disqualifyingWithdrawalMethods: 'CARDHOLDER_TRANSFER,BANK_ACCOUNT'
  feedStartDate: '2026-11-01'
  maxAmountCents: 100000000
  maxEnrolmentBackdate: 'PT24H'
  rewardStuckAfter: 'PT24H'
  feedLateAlertAfter: 'PT12H'
  watermarkRecheck: 'PT1H'
}

@description('Base URL of the external points system (Qantas Loyalty).')
param pointsApiUrl string

@description('Timeout of one points-system call, in milliseconds.')
param pointsApiTimeoutMs int = 10000

@secure()
@description('Points-system credential. Empty = leave the Key Vault secret as ops set it (see docs/operations.md).')
param pointsApiKey string = ''

@description('Entra ID tenant that issues tokens to the app, the onboarding system and ops.')
param authTenantId string = tenant().tenantId

@description('Client id of the API app registration that App Service Authentication validates tokens for.')
param authClientId string

@description('OpenID issuer; empty = https://login.microsoftonline.com/{authTenantId}/v2.0 (set a ciamlogin.com issuer for Entra External ID).')
param authOpenIdIssuer string = ''

@description('Token audiences accepted; empty = api://{authClientId} and the client id.')
param authAllowedAudiences array = []

@description('Claim type of the signed-in member that holds the card platform\'s member id (docs/operations.md § Identity).')
param authMemberIdClaim string = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier'

@description('Always-ready Flex Consumption instances per scale group: no cold start on the HTTP path or for orchestrations.')
param alwaysReady object = {
  http: 1
  durable: 1
}

@description('Largest number of instances the app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Autoscale maximum RU/s per Cosmos container; each scales between 10% and this value.')
param cosmosMaxThroughput object = {
  members: 1000
  ledger: 4000
  rewards: 1000
  feedRuns: 1000
  quarantine: 1000
  transactionClaims: 4000
  ignoredMessages: 1000
  memberStates: 1000
}

@description('E-mail addresses of the ops on-call rotation, notified by every alert.')
param alertEmails array = []

@description('Object id of the warehouse identity allowed to write feed files; empty = grant nothing.')
param warehouseWriterPrincipalId string = ''

@description('Object id of the ops Entra group: read-only data access to the task hub and Cosmos with their own accounts; empty = none.')
param opsPrincipalId string = ''

@description('Client id of the app registration ops sign in to the Durable Functions Monitor with; empty = the API\'s (authClientId), which defines the `ops` role. Either needs the Monitor\'s redirect URI and ID tokens (docs/operations.md).')
param monitorAuthClientId string = ''

@description('App role that opens the Durable Functions Monitor (the role the ops endpoints check).')
param monitorAppRole string = 'ops'

@description('Durable Functions Monitor package (standalone, .NET isolated), pinned to a version.')
param monitorPackageUrl string = 'https://www.nuget.org/api/v2/package/DurableFunctionsMonitor.DotNetIsolated/6.7.3'

@description('Cron (six fields) of the reward sweep (also the notification outbox safety net). Notifications have no timer: the functions that signal members wake the dispatch.')
param schedules object = {
  sweep: '0 */15 * * * *'
}

@description('Rows per feed-ingestion chunk (one activity call each).')
param feedChunkRows int = 50000

@description('Feed chunks applied at the same time by one run.')
@minValue(1)
@maxValue(16)
param feedParallelism int = 3

var isProd = environmentType == 'prod'
var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName, workload: 'cold-member-activation', environment: environmentType }
var names = {
  functionApp: 'func-cma-${token}'
  plan: 'plan-cma-${token}'
  runtimeStorage: 'stcma${token}'
  feedStorage: 'stfeed${token}'
  serviceBus: 'sb-cma-${token}'
  cosmos: 'cosmos-cma-${token}'
  keyVault: 'kv-cma-${take(token, 13)}'
  logAnalytics: 'log-cma-${token}'
  appInsights: 'appi-cma-${token}'
  feedTopic: 'evgt-feed-${token}'
  actionGroup: 'ag-cma-${token}'
  monitor: 'dfm-cma-${token}'
  monitorPlan: 'plan-dfm-${token}'
  monitorVault: 'kv-dfm-${take(token, 13)}'
}
// Task hub names are 3-45 letters and digits; one per environment so two apps never share orchestration state.
var taskHubName = 'coldmember${take(replace(replace(toLower(environmentName), '-', ''), '_', ''), 30)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    retentionDays: isProd ? 90 : 30
  }
}

module runtimeStorage 'modules/runtimeStorage.bicep' = {
  name: 'runtimeStorage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.runtimeStorage
    zoneRedundant: isProd
    taskHubName: taskHubName
  }
}

module feedStorage 'modules/feedStorage.bicep' = {
  name: 'feedStorage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.feedStorage
    systemTopicName: names.feedTopic
    zoneRedundant: isProd
  }
}

module serviceBus 'modules/serviceBus.bicep' = {
  name: 'serviceBus'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.serviceBus
    premium: isProd
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.cosmos
    zoneRedundant: isProd
    backupTier: isProd ? 'Continuous30Days' : 'Continuous7Days'
    maxThroughput: cosmosMaxThroughput
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.keyVault
    purgeProtection: isProd
    pointsApiKey: pointsApiKey
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.functionApp
    planName: names.plan
    alwaysReady: alwaysReady
    maximumInstanceCount: maximumInstanceCount
    runtimeStorageName: runtimeStorage.outputs.name
    deploymentContainerUrl: runtimeStorage.outputs.deploymentContainerUrl
    appInsightsName: monitoring.outputs.appInsightsName
    auth: {
      tenantId: authTenantId
      clientId: authClientId
      openIdIssuer: authOpenIdIssuer
      allowedAudiences: authAllowedAudiences
      memberIdClaim: authMemberIdClaim
    }
    settings: {
      campaign: campaign
      cosmosEndpoint: cosmos.outputs.endpoint
      cosmosDatabase: cosmos.outputs.databaseName
      serviceBusNamespaceHost: serviceBus.outputs.namespaceHost
      transactionsQueue: serviceBus.outputs.queueName
      notificationsTopic: serviceBus.outputs.topicName
      feedBlobServiceUri: feedStorage.outputs.blobServiceUri
      feedQueueServiceUri: feedStorage.outputs.queueServiceUri
      feedContainer: feedStorage.outputs.containerName
      feedStagingContainer: feedStorage.outputs.stagingContainerName
      feedParallelism: feedParallelism
      taskHubName: taskHubName
      pointsApiUrl: pointsApiUrl
      pointsApiKeySecretUri: keyVault.outputs.pointsApiKeySecretUri
      pointsApiTimeoutMs: pointsApiTimeoutMs
      sweepSchedule: schedules.sweep
      feedChunkRows: feedChunkRows
    }
  }
}

module monitor 'modules/monitor.bicep' = {
  name: 'monitor'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.monitor
    planName: names.monitorPlan
    vaultName: names.monitorVault
    runtimeStorageName: runtimeStorage.outputs.name
    taskHubName: taskHubName
    appInsightsName: monitoring.outputs.appInsightsName
    packageUrl: monitorPackageUrl
    auth: {
      tenantId: authTenantId
      clientId: empty(monitorAuthClientId) ? authClientId : monitorAuthClientId
    }
    appRole: monitorAppRole
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  scope: rg
  params: {
    appPrincipalId: functionApp.outputs.principalId
    runtimeStorageName: runtimeStorage.outputs.name
    feedStorageName: feedStorage.outputs.name
    feedContainerName: feedStorage.outputs.containerName
    serviceBusName: serviceBus.outputs.name
    queueName: serviceBus.outputs.queueName
    topicName: serviceBus.outputs.topicName
    cosmosName: cosmos.outputs.name
    cosmosDatabaseName: cosmos.outputs.databaseName
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    warehouseWriterPrincipalId: warehouseWriterPrincipalId
    opsPrincipalId: opsPrincipalId
    taskHubTables: runtimeStorage.outputs.taskHubTables
    taskHubContainers: runtimeStorage.outputs.taskHubContainers
    monitorPrincipalId: monitor.outputs.principalId
    taskHubLargeMessagesContainer: runtimeStorage.outputs.taskHubLargeMessagesContainer
    hostsContainer: runtimeStorage.outputs.hostsContainer
    monitorVaultName: monitor.outputs.vaultName
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    actionGroupName: names.actionGroup
    alertEmails: alertEmails
    appInsightsName: monitoring.outputs.appInsightsName
    serviceBusName: serviceBus.outputs.name
    deadLetterEntities: [serviceBus.outputs.queueName, serviceBus.outputs.topicName]
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = 'https://${functionApp.outputs.defaultHostName}'
output FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output TASK_HUB_NAME string = taskHubName
output MONITOR_URL string = monitor.outputs.url
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.namespaceHost
output FEED_STORAGE_ACCOUNT string = feedStorage.outputs.name
output FEED_CONTAINER string = feedStorage.outputs.containerName
output FEED_SYSTEM_TOPIC_NAME string = feedStorage.outputs.systemTopicName
output KEY_VAULT_NAME string = keyVault.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
