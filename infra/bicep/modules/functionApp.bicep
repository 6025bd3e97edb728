// The Functions app: Flex Consumption (FC1), Linux, Node 22 (Node 20 reached end of life in April 2026), system-assigned identity, App Service
// Authentication required on every path except the health probe and the blob extension webhook.
//
// Why Flex Consumption and not Elastic Premium (EP1) — see docs/operations.md § Hosting:
// - No keys: EP1 runs the app from an Azure Files content share whose setting
//   (WEBSITE_CONTENTAZUREFILECONNECTIONSTRING) accepts only an account-key connection string. Flex deploys
//   from a blob container read with the managed identity, so the storage accounts can disable shared keys.
// - No cold start where it matters: always-ready instances for the `http` group (the app's progress call)
//   and the `durable` group (orchestrations, entities, activities), billed while idle, like EP1's
//   pre-warmed instances, but per group, and other triggers scale on their own.
// - Durable Functions on the Azure Storage provider is supported, including target-based scaling of the
//   task hub; VNet integration is available when the network is locked down, as on EP1.
// - The blob trigger must be the Event Grid-based one on Flex, which is what the feed wants anyway
//   (no container polling, no missed or late blobs at millions of rows).
// What EP1 would give that Flex does not: deployment slots (we deploy with a restart instead; durable
// work survives it) and a fixed monthly price.
param location string
param tags object
param name string
param planName string
@description('Always-ready instance count per Flex scale group (http, durable, blob, or function:<name>).')
param alwaysReady object
param maximumInstanceCount int
param runtimeStorageName string
param deploymentContainerUrl string
param appInsightsName string
@description('{ tenantId, clientId, openIdIssuer, allowedAudiences, memberIdClaim }')
param auth object
@description('Values of the app settings the code reads (docs/contracts.md § Settings).')
param settings object

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var campaign = settings.campaign

// Every setting the code reads (docs/contracts.md § Settings), in its identity-based form: no keys, no
// connection strings. tests/unit/infraBicep.unit.test.ts checks this list against the contract.
var appSettings = {
  // Functions runtime and the Durable Functions task hub (host.json hubName: %TASK_HUB_NAME%)
  AzureWebJobsStorage__accountName: runtimeStorageName
  TASK_HUB_NAME: settings.taskHubName
  // Not a secret: with local auth disabled on the component, ingestion needs the identity (Entra) token.
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  // Identity edge: the principal claim that carries the card platform's member id (docs/operations.md)
  AUTH_MEMBER_ID_CLAIM: auth.memberIdClaim
  // Campaign configuration (validated by src/config.ts at start-up)
  CAMPAIGN_ID: campaign.id
  CAMPAIGN_TARGET_AUD_CENTS: string(campaign.targetAudCents)
  CAMPAIGN_WINDOW_DAYS: string(campaign.windowDays)
  CAMPAIGN_TIME_ZONE: campaign.timeZone
  CAMPAIGN_GRACE_DAYS: string(campaign.graceDays)
  CAMPAIGN_REWARD_POINTS: string(campaign.rewardPoints)
  CAMPAIGN_WITHDRAWAL_POLICY: campaign.withdrawalPolicy
  CAMPAIGN_DISQUALIFYING_WITHDRAWAL_METHODS: campaign.disqualifyingWithdrawalMethods
  CAMPAIGN_FEED_START_DATE: campaign.feedStartDate
  CAMPAIGN_MAX_AMOUNT_CENTS: string(campaign.maxAmountCents)
  CAMPAIGN_MAX_ENROLMENT_BACKDATE: campaign.maxEnrolmentBackdate
  CAMPAIGN_REWARD_STUCK_AFTER: campaign.rewardStuckAfter
  CAMPAIGN_FEED_LATE_ALERT_AFTER: campaign.feedLateAlertAfter
  CAMPAIGN_WATERMARK_RECHECK: campaign.watermarkRecheck
  // Cosmos DB: endpoint only; without COSMOS_KEY the adapter uses DefaultAzureCredential
  COSMOS_ENDPOINT: settings.cosmosEndpoint
  COSMOS_DATABASE: settings.cosmosDatabase
  // Service Bus trigger binding and publisher (connection name ServiceBusConnection)
  ServiceBusConnection__fullyQualifiedNamespace: settings.serviceBusNamespaceHost
  TRANSACTIONS_QUEUE: settings.transactionsQueue
  NOTIFICATIONS_TOPIC: settings.notificationsTopic
  // Overnight feed: Event Grid blob trigger and feed reader (connection name FeedStorage)
  FeedStorage__blobServiceUri: settings.feedBlobServiceUri
  FeedStorage__queueServiceUri: settings.feedQueueServiceUri
  FEED_CONTAINER: settings.feedContainer
  FEED_STAGING_CONTAINER: settings.feedStagingContainer
  FEED_CHUNK_ROWS: string(settings.feedChunkRows)
  FEED_PARALLELISM: string(settings.feedParallelism)
  // Points system: the credential is a Key Vault reference resolved with the app's identity
  POINTS_API_URL: settings.pointsApiUrl
  POINTS_API_KEY: '@Microsoft.KeyVault(SecretUri=${settings.pointsApiKeySecretUri})'
  POINTS_API_TIMEOUT_MS: string(settings.pointsApiTimeoutMs)
  // Timers
  SWEEP_SCHEDULE: settings.sweepSchedule
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
        alwaysReady: [for group in items(alwaysReady): { name: group.key, instanceCount: group.value }]
      }
      runtime: { name: 'node', version: '22' }
    }
  }
}

resource settingsConfig 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

// Deployment goes through Entra (OIDC in CI), never through publishing user names and passwords.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

var defaultIssuer = '${environment().authentication.loginEndpoint}${auth.tenantId}/v2.0'
var issuer = empty(auth.openIdIssuer) ? defaultIssuer : auth.openIdIssuer
var audiences = empty(auth.allowedAudiences) ? ['api://${auth.clientId}', auth.clientId] : auth.allowedAudiences

// The edge validates the caller's token and passes the principal to the code in x-ms-client-principal
// (member id = the AUTH_MEMBER_ID_CLAIM claim, app roles `enrolment` and `ops`). With this resource off the
// platform sets no WEBSITE_AUTH_ENABLED=True and the code answers 401 to everything but health (fail closed). Excluded paths: the anonymous
// health probe, and the blob extension webhook that Event Grid calls with the blobs_extension system key.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: ['/api/health', '/runtime/webhooks/blobs']
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: { clientId: auth.clientId, openIdIssuer: issuer }
        validation: { allowedAudiences: audiences }
      }
    }
    login: { tokenStore: { enabled: false } }
    httpSettings: { requireHttps: true }
  }
}

output name string = site.name
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
