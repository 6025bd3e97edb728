// Event Grid subscription: BlobCreated in warehouse-drops → the app's blob extension webhook, which runs
// the Event Grid-based blob trigger (source: 'EventGrid', connection FeedStorage).
//
// Deployed by hooks/postdeploy.sh after the code, not by main.bicep: Event Grid validates a webhook when
// the subscription is created, and the blob extension answers only once the trigger function is
// deployed. The webhook is authorised by the host's blobs_extension system key (a Functions host key,
// not a storage credential); the hook reads it at deploy time and passes it in as a secure parameter, so
// it is never written to a file, an output or the deployment history.
param systemTopicName string
param functionAppHostName string
@description('Name of the blob-trigger function (Host.Functions.<name> in the webhook URL).')
param blobTriggerFunctionName string
@secure()
param blobsExtensionKey string
param containerName string = 'warehouse-drops'
param deadLetterStorageName string
param deadLetterContainerName string = 'eventgrid-deadletter'

resource systemTopic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' existing = {
  name: systemTopicName
}

resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: deadLetterStorageName
}

resource blobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = {
  parent: systemTopic
  name: 'feed-blob-created'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionAppHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${blobTriggerFunctionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/blobs/'
      // Only manifests start a run; data files (hundreds of MB) are streamed by the pipeline, never bound.
      subjectEndsWith: '.manifest.json'
      enableAdvancedFilteringOnArrays: true
    }
    // A day of retries covers an app outage; after that the event is kept in the dead-letter container,
    // and the runbook re-drops the manifest (docs/operations.md § Late or corrected feed).
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: { resourceId: deadLetterStorage.id, blobContainerName: deadLetterContainerName }
      }
    }
  }
}

output subscriptionName string = blobCreated.name
