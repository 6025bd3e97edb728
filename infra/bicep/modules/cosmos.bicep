// Cosmos DB (NoSQL): the enrolment, ledger, decision, feed-run and member-state documents. Keys are disabled
// (disableLocalAuth): the app reaches data with its managed identity and the built-in data-plane role.
// Partition keys and unique keys match src/adapters/cosmos/containers.ts; they cannot be changed on an
// existing container, which is why they are declared here and not left to the code in Azure.
param location string
param tags object
param name string
param zoneRedundant bool
@allowed(['Continuous7Days', 'Continuous30Days'])
param backupTier string
@description('Autoscale maximum RU/s per container name.')
param maxThroughput object

var databaseName = 'loyalty'

// Each indexing policy indexes only the paths the code filters or sorts on (src/adapters/cosmos/*.ts):
// writes cost fewer RUs and the ledger's observation arrays and raw records are never indexed.
var containers = [
  {
    name: 'members'
    partitionKey: '/memberId'
    uniqueKeys: [['/campaignId']]
    // listIdsByCampaign; listDueForEvaluation: campaignId = @c AND window.evaluationAt <= @now
    //   AND NOT IS_DEFINED(decidedAt) AND (keyset after) ORDER BY window.evaluationAt, memberId;
    // the cohort snapshot's shards (cohortSnapshot.ts): cohortOf = @c, and the enrolments not yet in it:
    //   campaignId = @c AND cohortPending = true; a shard's members (thousands of keys) are never indexed;
    // listStartPending (the sweep): campaignId = @c AND startPending = true AND NOT IS_DEFINED(decidedAt)
    //   AND memberId > @m ORDER BY memberId
    includedPaths: ['/campaignId/?', '/window/evaluationAt/?', '/decidedAt/?', '/memberId/?', '/cohortPending/?', '/startPending/?', '/cohortOf/?']
    compositeIndexes: [
      [{ path: '/campaignId', order: 'ascending' }, { path: '/window/evaluationAt', order: 'ascending' }]
      [{ path: '/window/evaluationAt', order: 'ascending' }, { path: '/memberId', order: 'ascending' }]
    ]
  }
  {
    name: 'ledger'
    partitionKey: '/memberId'
    uniqueKeys: []
    // listByMember (in partition); listAwaitingFeed: awaitingFeedSince <= @d;
    // listByFeedDate: ARRAY_CONTAINS(feedDates, @d)
    includedPaths: ['/memberId/?', '/awaitingFeedSince/?', '/feedDates/[]/?']
    compositeIndexes: []
  }
  {
    name: 'rewards'
    partitionKey: '/memberId'
    uniqueKeys: [['/campaignId']]
    // listStuck: campaignId = @c AND issuance.status = "PENDING" AND decidedAt <= @t AND (keyset after)
    //   ORDER BY decidedAt, memberId
    includedPaths: ['/campaignId/?', '/issuance/status/?', '/decidedAt/?', '/memberId/?']
    compositeIndexes: [
      [
        { path: '/campaignId', order: 'ascending' }
        { path: '/issuance/status', order: 'ascending' }
        { path: '/decidedAt', order: 'ascending' }
      ]
      [{ path: '/decidedAt', order: 'ascending' }, { path: '/memberId', order: 'ascending' }]
    ]
  }
  {
    name: 'feedRuns'
    partitionKey: '/businessDate'
    uniqueKeys: []
    // Few documents (runs, chunk checkpoints, the watermark) queried in many shapes by ops: index all.
    includedPaths: ['/*']
    compositeIndexes: []
  }
  {
    name: 'quarantine'
    partitionKey: '/source'
    uniqueKeys: []
    // list: source = @s, reason = @r, memberId = @m, NOT IS_DEFINED(resolvedAt) (ops filters); a member's items
    //   ORDER BY receivedAt DESC; a feed date's unresolved rows; ops look items up by transaction.
    includedPaths: ['/source/?', '/reason/?', '/resolvedAt/?', '/memberId/?', '/transactionId/?', '/businessDate/?', '/receivedAt/?']
    compositeIndexes: []
  }
  {
    name: 'transactionClaims'
    partitionKey: '/id'
    uniqueKeys: []
    // Point reads and creates only (claims.ts): nothing to index.
    includedPaths: []
    compositeIndexes: []
  }
  {
    name: 'ignoredMessages'
    partitionKey: '/day'
    uniqueKeys: []
    // One marker created per ignored real-time message; countsOn: COUNT(1) WHERE day = @d AND reason = @r
    includedPaths: ['/day/?', '/reason/?']
    compositeIndexes: []
  }
  {
    name: 'memberStates'
    partitionKey: '/memberId'
    uniqueKeys: []
    // One projection per member, written on each state change; the funnel: campaignId = @c with SUMs
    // over state, atRisk, held and rewardStatus (memberStateRepository.ts COUNTS_QUERY); the wake-ups:
    // decision = null AND lastGraceDate range AND waitingFor (WATERMARK_WAKES_QUERY); getMany: memberId;
    // the funnel of one day of enrolment: the same AND enrolledOn = @d (COUNTS_ON_DAY_QUERY)
    includedPaths: ['/campaignId/?', '/state/?', '/atRisk/?', '/held/?', '/rewardStatus/?', '/decision/?', '/lastGraceDate/?', '/waitingFor/?', '/memberId/?', '/enrolledOn/?']
    compositeIndexes: []
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: zoneRedundant }]
    backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: backupTier } }
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: { resource: { id: databaseName } }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for c in containers: {
    parent: database
    name: c.name
    properties: {
      resource: {
        id: c.name
        partitionKey: { paths: [c.partitionKey], kind: 'Hash', version: 2 }
        uniqueKeyPolicy: { uniqueKeys: [for paths in c.uniqueKeys: { paths: paths }] }
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: [for p in c.includedPaths: { path: p }]
          excludedPaths: contains(c.includedPaths, '/*') ? [{ path: '/"_etag"/?' }] : [{ path: '/*' }, { path: '/"_etag"/?' }]
          compositeIndexes: c.compositeIndexes
        }
      }
      options: { autoscaleSettings: { maxThroughput: maxThroughput[c.name] } }
    }
  }
]

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
