// The Functions runtime account: AzureWebJobsStorage (host locks, timers), the Durable Functions task hub
// (queues, tables, blobs) and the Flex Consumption deployment container. Shared keys are disabled, so only
// Entra identities with data roles can read or write it.
param location string
param tags object
param name string
param zoneRedundant bool
@description('Durable Functions task hub (host.json hubName): its tables and containers are declared here so roles can be scoped to them.')
param taskHubName string

var deploymentContainerName = 'app-package'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: zoneRedundant ? 'Standard_ZRS' : 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

// The task hub's tables and blob containers (Azure Storage provider names). The Durable extension creates
// them if missing; declaring them lets ops roles be scoped to them instead of the whole account, which
// also holds the host's secrets and the deployment package.
var taskHubTables = ['${taskHubName}Instances', '${taskHubName}History']
var taskHubContainers = ['${taskHubName}-leases', '${taskHubName}-largemessages']

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource hubTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for table in taskHubTables: {
    parent: tableService
    name: table
  }
]

resource hubContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in taskHubContainers: {
    parent: blobService
    name: container
    properties: { publicAccess: 'None' }
  }
]

// The Functions host's own blobs (host locks, host ids): the Monitor's host needs them too (access.bicep).
// Declared so its role can be scoped to this container, away from azure-webjobs-secrets.
var hostsContainerName = 'azure-webjobs-hosts'

resource hostsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: hostsContainerName
  properties: { publicAccess: 'None' }
}

output taskHubTables array = [for i in range(0, length(taskHubTables)): hubTables[i].name]
output taskHubContainers array = [for i in range(0, length(taskHubContainers)): hubContainers[i].name]
@description('{taskHubName}-largemessages (taskHubContainers[1]): inputs and outputs too large for a table row.')
output taskHubLargeMessagesContainer string = hubContainers[1].name
output hostsContainer string = hostsContainer.name
output name string = account.name
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainerName}'
