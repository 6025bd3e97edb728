// Key Vault (RBAC mode) for the one external credential: the points-system API key. The app reads it
// through a Key Vault reference resolved with its managed identity (Key Vault Secrets User).
param location string
param tags object
param name string
param purgeProtection bool
@secure()
@description('Empty = do not touch the secret (ops set it with az keyvault secret set, see docs/operations.md).')
param pointsApiKey string

// Key Vault secret names allow letters, digits and dashes only; the app setting is POINTS_API_KEY.
var pointsApiKeySecretName = 'points-api-key'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Purge protection cannot be switched off again, so it is on in prod only.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource pointsApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(pointsApiKey)) {
  parent: vault
  name: pointsApiKeySecretName
  properties: { value: pointsApiKey, contentType: 'text/plain' }
}

output name string = vault.name
// Versionless: the app picks up a rotated key within a day, or at once after a restart.
output pointsApiKeySecretUri string = '${vault.properties.vaultUri}secrets/${pointsApiKeySecretName}'
