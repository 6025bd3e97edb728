// The standalone Durable Functions Monitor (github.com/microsoft/DurableFunctionsMonitor): its own Function
// App, run from the published NuGet package, reading the app's task hub with its own managed identity. Ops
// open it in a browser and sign in with Entra; only holders of the `ops` app role get in.
//
// Which package and plan (the Monitor's own template, durablefunctionsmonitor.dotnetisolated/arm-template.json):
// - DurableFunctionsMonitor.DotNetIsolated, an isolated-worker app built for .NET 8. .NET 8's support ended on
//   10 November 2026, but it is the newest target the package ships (raise netFrameworkVersion with the
//   package); the other standalone package, DotNetBackend, is an in-process .NET 6 app, and the in-process
//   model's support ended the same day, with no newer release to move to.
// - Windows Consumption (Y1): the plan that template deploys to, and one that runs an app from a package URL
//   (WEBSITE_RUN_FROM_PACKAGE). Flex Consumption cannot: it deploys only from its blob container.
//   Idle costs nothing; an ops visit pays a cold start of a few seconds.
// - No Azure Files content share: that needs an account-key connection string and the runtime account has
//   shared keys disabled. An app that runs from a package URL does not need one (its files are read-only).
//
// Storage: the Monitor reads only the task hub of its AzureWebJobsStorage connection (identity form
// AzureWebJobsStorage__accountName; DFM_ALTERNATIVE_CONNECTION_STRING_* connections take connection strings
// only), so that connection is the app's runtime account, and DFM_HUB_NAME limits it to our hub. Its host keys
// live in its own Key Vault (AzureWebJobsSecretStorageType=keyvault), so it needs nothing in the runtime
// account's azure-webjobs-secrets container. The roles its identity holds are in access.bicep.
//
// Read-only (DFM_MODE=ReadOnly): ops never terminate, rewind, purge or raise events by hand (docs/operations.md:
// the re-drive endpoint does the safe subset and keeps the decided-once, paid-once invariants). So the
// Monitor's identity holds reader roles only, and the Monitor refuses its own write commands.
param location string
param tags object
param name string
param planName string
@description('Key Vault for the Monitor\'s own host keys (nothing else is stored there).')
param vaultName string
param runtimeStorageName string
param taskHubName string
param appInsightsName string
@description('The Monitor package (a NuGet package is a zip): pinned, so a deployment is repeatable.')
param packageUrl string
@description('{ tenantId, clientId }: the Entra tenant of the ops accounts and the app registration they sign in to.')
param auth object
@description('The app role a user must hold to open the Monitor.')
param appRole string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'Y1', tier: 'Dynamic' }
  properties: { reserved: false }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      netFrameworkVersion: 'v8.0'
      use32BitWorkerProcess: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
  }
}

var appSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  WEBSITE_RUN_FROM_PACKAGE: packageUrl
  // The task hub to show, reached with the Monitor's identity; no other hub of the account is listed.
  AzureWebJobsStorage__accountName: runtimeStorageName
  DFM_HUB_NAME: taskHubName
  // Host keys in the Monitor's own vault, with its identity (Key Vault Secrets Officer there).
  AzureWebJobsSecretStorageType: 'keyvault'
  AzureWebJobsSecretStorageKeyVaultUri: vault.properties.vaultUri
  // Sign-in is App Service Authentication (below); the Monitor also checks the role claim of the signed-in
  // user itself, and runs read-only.
  DFM_ALLOWED_APP_ROLES: appRole
  DFM_MODE: 'ReadOnly'
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
}

resource settingsConfig 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

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

var issuer = '${environment().authentication.loginEndpoint}${auth.tenantId}/v2.0'

// Every path needs a signed-in Entra user: the browser is sent to the Entra sign-in page (the Monitor's
// server-directed login flow), and nothing is anonymous. The role itself is checked by the Monitor
// (DFM_ALLOWED_APP_ROLES) against the `roles` claim; App Service Authentication has no role filter, so the
// app registration also requires assignment (docs/operations.md § One-time setup).
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: { clientId: auth.clientId, openIdIssuer: issuer }
        // ID tokens of the browser sign-in only (not the API's access tokens, audience api://…).
        validation: { allowedAudiences: [auth.clientId] }
      }
    }
    login: { tokenStore: { enabled: false } }
    httpSettings: { requireHttps: true }
  }
}

output name string = site.name
output principalId string = site.identity.principalId
output url string = 'https://${site.properties.defaultHostName}'
output vaultName string = vault.name
