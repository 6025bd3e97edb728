// Service Bus: the real-time stream in (queue card-transactions) and member notifications out (topic
// member-progress). Local (SAS) auth is disabled: senders and receivers use Entra identities.
param location string
param tags object
param name string
@description('Premium in prod: dedicated capacity, zone redundancy and private endpoints when the network is locked down.')
param premium bool
@description('Subscriptions of the member-progress topic; a topic without subscriptions discards messages.')
param notificationSubscriptions array = ['pay-app-push']

var queueName = 'card-transactions'
var topicName = 'member-progress'

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: premium ? { name: 'Premium', tier: 'Premium', capacity: 1 } : { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    zoneRedundant: premium
  }
}

// The card platform sets messageId = transactionId:status, so duplicate detection drops its re-sends; the
// ledger merge is idempotent anyway. Ten deliveries, then the dead-letter queue (alerted in alerts.bicep):
// invalid messages are quarantined and completed by the app, so only transient failures ever get here.
resource queue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: queueName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
    lockDuration: 'PT1M'
    enableBatchedOperations: true
    requiresSession: false
  }
}

// Notification ids are {campaignId}:{memberId}:{kind}:{epoch}: a retried publish is dropped here.
resource topic 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    defaultMessageTimeToLive: 'P7D'
    enableBatchedOperations: true
  }
}

resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = [
  for subscriptionName in notificationSubscriptions: {
    parent: topic
    name: subscriptionName
    properties: {
      maxDeliveryCount: 10
      deadLetteringOnMessageExpiration: true
      lockDuration: 'PT1M'
    }
  }
]

output name string = namespace.name
output namespaceHost string = '${namespace.name}.servicebus.windows.net'
output queueName string = queue.name
output topicName string = topic.name
