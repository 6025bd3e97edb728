// Alerts that page ops (docs/operations.md § Alerts says what each means and what to do).
// Log alerts match stable codes the app writes in its log lines; metric alerts watch the broker.
param location string
param tags object
param actionGroupName string
param alertEmails array
param appInsightsName string
param serviceBusName string
@description('Service Bus entities whose dead-letter count must stay at zero.')
param deadLetterEntities array

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: serviceBusName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'cma-ops'
    enabled: true
    emailReceivers: [
      for (email, i) in alertEmails: { name: 'ops-${i}', emailAddress: email, useCommonAlertSchema: true }
    ]
  }
}

// A message the app could not process after 10 deliveries (a transient fault that did not clear):
// its load or withdrawal is missing from the member's progress until it is re-submitted.
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Dead-lettered messages on card-transactions or member-progress (must be 0).'
    severity: 2
    enabled: true
    scopes: [serviceBus.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'deadLetterDepth'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [{ name: 'EntityName', operator: 'Include', values: deadLetterEntities }]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [{ actionGroupId: actionGroup.id }]
  }
}

// One log alert per code the app logs when ops must act (the code appears verbatim in the message).
var logCodeAlerts = [
  {
    code: 'FEED_LATE'
    severity: 2
    description: 'The settlement watermark is behind a member\'s last grace date past CAMPAIGN_FEED_LATE_ALERT_AFTER: decisions wait for a missing feed date.'
  }
  {
    code: 'FEED_REJECTED'
    severity: 2
    description: 'A feed file or manifest was rejected whole (checksum, header, row count, version conflict): nothing of it was applied and its date holds the watermark.'
  }
  {
    code: 'REWARD_STUCK'
    severity: 1
    description: 'A QUALIFIED member has not been paid within CAMPAIGN_REWARD_STUCK_AFTER: the points system keeps failing transiently.'
  }
  {
    code: 'REWARD_NEEDS_REVIEW'
    severity: 1
    description: 'The points system refused a QUALIFIED member permanently (404/422) or answered 409: the member is NEEDS_REVIEW until ops resolve it.'
  }
  {
    code: 'QUARANTINE_HOLD'
    severity: 2
    description: 'A quarantined feed row of an undecided member holds the final decision: drop a corrected file or re-drive after review.'
  }
  {
    code: 'FEED_MISSING_SETTLEMENT'
    severity: 3
    description: 'Real-time SETTLED transactions are still absent from the feed after 3 business days (reconciliation report lists them).'
  }
]

resource codeAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for a in logCodeAlerts: {
    name: 'alert-${toLower(replace(a.code, '_', '-'))}'
    location: location
    tags: tags
    properties: {
      displayName: a.code
      description: a.description
      severity: a.severity
      enabled: true
      scopes: [appInsights.id]
      evaluationFrequency: 'PT15M'
      windowSize: 'PT15M'
      autoMitigate: false
      criteria: {
        allOf: [
          {
            query: 'union traces, exceptions | where message contains_cs "${a.code}" or outerMessage contains_cs "${a.code}"'
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
          }
        ]
      }
      actions: { actionGroups: [actionGroup.id] }
    }
  }
]

// The Durable extension logs every orchestration state change under Host.Triggers.DurableTask; a Failed
// orchestrator means a member's or a feed date's workflow stopped and must be re-driven.
resource orchestrationFailures 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-orchestration-failed'
  location: location
  tags: tags
  properties: {
    displayName: 'ORCHESTRATION_FAILED'
    description: 'An orchestration (memberCampaign or feedIngestion) ended Failed.'
    severity: 1
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: false
    criteria: {
      allOf: [
        {
          query: 'traces | where customDimensions.Category == "Host.Triggers.DurableTask" | where tostring(customDimensions.prop__functionType) == "Orchestrator" and tostring(customDimensions.prop__state) == "Failed" | project timestamp, instanceId = tostring(customDimensions.prop__instanceId), functionName = tostring(customDimensions.prop__functionName), reason = tostring(customDimensions.prop__reason)'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

output actionGroupId string = actionGroup.id
