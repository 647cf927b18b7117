// Alerts for the on-call engineer (docs/operations.md has the meaning, threshold and runbook step of each), on the
// pipeline's OpenTelemetry metrics and the Functions' requests in Application Insights. Each rule pages through one
// action group: e-mail to the address given, when one is.

@description('Name prefix for the resources.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Application Insights the Function App reports to.')
param appInsightsId string

@description('Who gets paged: an e-mail address; empty for no receiver (the alerts still fire and show in the portal).')
param alertEmail string = ''

@description('Billing freshness: page when the oldest pending ingest mark is older than this, in minutes.')
@minValue(10)
param billingFreshnessMinutes int = 60

@description('Page when more than this percentage of events is dead-lettered over 15 minutes.')
@minValue(1)
@maxValue(100)
param deadLetterRatePercent int = 5

@description('Page when this many function invocations fail (retries exhausted) within 15 minutes.')
@minValue(1)
param functionFailureCount int = 5

@description('Page when the GPU stream lands nothing for this many minutes.')
@minValue(5)
param noTelemetryMinutes int = 15

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${name}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'metering'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      { name: 'on-call', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

var rules = [
  {
    key: 'billing-freshness'
    description: 'Billing is stale: the rollup has not taken landed data for ${billingFreshnessMinutes} minutes.'
    severity: 1
    window: 'PT15M'
    query: 'customMetrics | where name == "metrics.rollup.freshness" | summarize freshness = max(valueMax)'
    measure: 'freshness'
    operator: 'GreaterThan'
    threshold: billingFreshnessMinutes * 60
  }
  {
    key: 'dead-letter-rate'
    description: 'More than ${deadLetterRatePercent} % of events dead-lettered over 15 minutes.'
    severity: 2
    window: 'PT15M'
    query: 'customMetrics | where name == "metrics.ingest.events" | extend outcome = tostring(customDimensions["outcome"]) | summarize total = sum(valueSum), refused = sumif(valueSum, outcome != "landed") | extend ratePct = iff(total == 0, 0.0, 100.0 * refused / total)'
    measure: 'ratePct'
    operator: 'GreaterThan'
    threshold: deadLetterRatePercent
  }
  {
    key: 'function-failures'
    description: '${functionFailureCount} or more function invocations failed in 15 minutes: their retries are exhausted.'
    severity: 1
    window: 'PT15M'
    query: 'requests | where success == false | summarize failures = count()'
    measure: 'failures'
    operator: 'GreaterThanOrEqual'
    threshold: functionFailureCount
  }
  {
    key: 'month-close-overdue'
    description: 'A billing month past its close grace is still open: its statements are not sent (metrics status says why).'
    severity: 1
    window: 'P1D'
    query: 'customMetrics | where name == "metrics.months.overdue" | summarize overdue = max(valueMax) | extend overdue = coalesce(overdue, 0.0)'
    measure: 'overdue'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    key: 'unknown-gpu-model'
    description: 'Rows landed under a GPU model name the catalogue does not know: their usage is a line of its own, likely unpriced.'
    severity: 2
    window: 'PT15M'
    query: 'customMetrics | where name == "metrics.ingest.unknown_model_rows" | summarize rows = sum(valueSum) | extend rows = coalesce(rows, 0.0)'
    measure: 'rows'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    key: 'allocation-exhausted'
    description: 'An allocation has used its whole amount: tell its institution and the allocations office (metrics allocations list).'
    severity: 3
    window: 'PT15M'
    query: 'customMetrics | where name == "metrics.allocations" and tostring(customDimensions["status"]) == "exhausted" | summarize exhausted = max(valueMax) | extend exhausted = coalesce(exhausted, 0.0)'
    measure: 'exhausted'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    key: 'unit-poisoned'
    description: 'A queued unit of work failed its last attempt and is on its poison queue (metrics status names it and why).'
    severity: 2
    window: 'PT15M'
    query: 'customMetrics | where name == "metrics.units.poisoned" | summarize poisoned = sum(valueSum) | extend poisoned = coalesce(poisoned, 0.0)'
    measure: 'poisoned'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    key: 'no-gpu-telemetry'
    description: 'No GPU telemetry landed for ${noTelemetryMinutes} minutes.'
    severity: 1
    window: 'PT${noTelemetryMinutes}M'
    query: 'customMetrics | where name == "metrics.ingest.events" and tostring(customDimensions["messaging.destination.name"]) == "gpu" | summarize events = sum(valueSum) | extend events = coalesce(events, 0.0)'
    measure: 'events'
    operator: 'LessThan'
    threshold: 1
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for rule in rules: {
  name: 'alert-${name}-${rule.key}'
  location: location
  tags: tags
  properties: {
    displayName: rule.key
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: rule.window
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Maximum'
          metricMeasureColumn: rule.measure
          operator: rule.operator
          threshold: rule.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: [actionGroup.id] }
  }
}]

output actionGroupId string = actionGroup.id
