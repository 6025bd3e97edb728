// Who may do what, in one place: the app's managed identity gets data-plane roles on exactly the
// resources it uses, scoped as narrowly as each service allows. No keys exist to fall back on: every
// account has local (key/SAS) auth disabled.
param appPrincipalId string
param runtimeStorageName string
param feedStorageName string
param feedContainerName string
param serviceBusName string
param queueName string
param topicName string
param cosmosName string
param cosmosDatabaseName string
param keyVaultName string
param appInsightsName string
@description('Warehouse identity that writes feed files; empty = none.')
param warehouseWriterPrincipalId string
@description('Ops Entra group: read-only data access to the task hub (Monitor VS Code extension) and Cosmos (Data Explorer); empty = none.')
param opsPrincipalId string
@description('The task hub tables (runtime account) the ops roles are scoped to.')
param taskHubTables array
@description('The task hub blob containers (runtime account) the ops roles are scoped to.')
param taskHubContainers array
@description('The Durable Functions Monitor app\'s identity (monitor.bicep).')
param monitorPrincipalId string
@description('The task hub container of large inputs and outputs, which the Monitor downloads on request.')
param taskHubLargeMessagesContainer string
@description('The Functions hosts\' lock container (runtime account), which the Monitor\'s host uses.')
param hostsContainer string
@description('The Monitor\'s own Key Vault, holding its host keys.')
param monitorVaultName string

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
// Cosmos DB data-plane roles are Cosmos resources, not Azure RBAC roles.
var cosmosRoles = {
  dataReader: '00000000-0000-0000-0000-000000000001'
  dataContributor: '00000000-0000-0000-0000-000000000002'
}

resource runtimeStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: runtimeStorageName
}

resource feedStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: feedStorageName
}

resource feedContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  name: '${feedStorageName}/default/${feedContainerName}'
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: serviceBusName
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = {
  parent: serviceBus
  name: queueName
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' existing = {
  parent: serviceBus
  name: topicName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Runtime account: host locks and timers (blob), the task hub (queues, tables, blob leases) and the
// Flex deployment package (blob). These three are what identity-based AzureWebJobsStorage requires.
resource runtimeBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(runtimeStorage.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: runtimeStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource runtimeQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(runtimeStorage.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: runtimeStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource runtimeTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(runtimeStorage.id, appPrincipalId, roles.storageTableDataContributor)
  scope: runtimeStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Feed account: the blob trigger needs Blob Data Owner and Queue Data Contributor on its connection's
// account (poison-blob queue); the feed also writes decompressed .csv.gz copies to feed-staging.
resource feedBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(feedStorage.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: feedStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource feedQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(feedStorage.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: feedStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Service Bus: receive from the one queue, send to the one topic; nothing namespace-wide.
// Microsoft's permission table for the Service Bus trigger (learn.microsoft.com/azure/azure-functions/
// functions-bindings-service-bus-trigger#identity-based-connections) lists Data Receiver *and* Data Owner:
// the scale controller reads the queue's message count (entity runtime information, a Manage right), and
// without it the app does not scale out on a backlog. Owner is granted on the queue only, not the namespace.
resource queueReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, appPrincipalId, roles.serviceBusDataReceiver)
  scope: queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource queueOwnerForScaling 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, appPrincipalId, roles.serviceBusDataOwner)
  scope: queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource topicSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, appPrincipalId, roles.serviceBusDataSender)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Cosmos DB: read and write items in the one database (no control-plane rights: Bicep owns containers).
resource cosmosData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, appPrincipalId, cosmosRoles.dataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosRoles.dataContributor}'
    principalId: appPrincipalId
    scope: '${cosmos.id}/dbs/${cosmosDatabaseName}'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The warehouse may write into warehouse-drops only.
resource warehouseWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(warehouseWriterPrincipalId)) {
  name: guid(feedContainer.id, warehouseWriterPrincipalId, roles.storageBlobDataContributor)
  scope: feedContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: warehouseWriterPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Ops read the task hub (the standalone Monitor reads it for them; this is for the Monitor's VS Code
// extension with their own accounts) and Cosmos; they act through the ops API, never by
// editing durable state or documents by hand. Task hub roles are scoped to its tables and containers, not
// the runtime account (which also holds the host's keys in azure-webjobs-secrets and the app package).
resource hubTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [
  for table in taskHubTables: {
    name: '${runtimeStorageName}/default/${table}'
  }
]

resource hubContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [
  for container in taskHubContainers: {
    name: '${runtimeStorageName}/default/${container}'
  }
]

resource opsTaskHubTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, length(taskHubTables)): if (!empty(opsPrincipalId)) {
    name: guid(hubTables[i].id, opsPrincipalId, roles.storageTableDataReader)
    scope: hubTables[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
      principalId: opsPrincipalId
      principalType: 'Group'
    }
  }
]

resource opsTaskHubBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, length(taskHubContainers)): if (!empty(opsPrincipalId)) {
    name: guid(hubContainers[i].id, opsPrincipalId, roles.storageBlobDataReader)
    scope: hubContainers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
      principalId: opsPrincipalId
      principalType: 'Group'
    }
  }
]

resource opsCosmosReader 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = if (!empty(opsPrincipalId)) {
  parent: cosmos
  name: guid(cosmos.id, opsPrincipalId, cosmosRoles.dataReader)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosRoles.dataReader}'
    principalId: opsPrincipalId
    scope: '${cosmos.id}/dbs/${cosmosDatabaseName}'
  }
}

// The Durable Functions Monitor (monitor.bicep) runs read-only, so its identity reads the task hub and nothing
// else of the app: Table Data Reader on the hub's tables (instances, history), Blob Data Reader on its
// large-message container (a large input or output opened in the Monitor). Its Functions host needs its lock
// blobs (Blob Data Contributor on azure-webjobs-hosts only: leases are writes), its keys (Secrets Officer on
// its own vault: the host creates and rotates them) and telemetry. Nothing on the account, the host secrets
// container, the deployment package, the queues, Cosmos, Service Bus or the app's vault.
resource monitorLargeMessages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  name: '${runtimeStorageName}/default/${taskHubLargeMessagesContainer}'
}

resource hosts 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  name: '${runtimeStorageName}/default/${hostsContainer}'
}

resource monitorVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: monitorVaultName
}

resource monitorTaskHubTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, length(taskHubTables)): {
    name: guid(hubTables[i].id, monitorPrincipalId, roles.storageTableDataReader)
    scope: hubTables[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
      principalId: monitorPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource monitorTaskHubBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(monitorLargeMessages.id, monitorPrincipalId, roles.storageBlobDataReader)
  scope: monitorLargeMessages
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
    principalId: monitorPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource monitorHostLocks 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hosts.id, monitorPrincipalId, roles.storageBlobDataContributor)
  scope: hosts
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: monitorPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource monitorHostKeys 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(monitorVault.id, monitorPrincipalId, roles.keyVaultSecretsOfficer)
  scope: monitorVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: monitorPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource monitorTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, monitorPrincipalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: monitorPrincipalId
    principalType: 'ServicePrincipal'
  }
}
