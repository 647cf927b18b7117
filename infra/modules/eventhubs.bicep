// Event Hubs: the two contract-v1 hubs and the function app's consumer group on each.

@description('Name prefix for the resources.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Standard or Premium.')
@allowed(['Standard', 'Premium'])
param sku string = 'Standard'

@description('Throughput units (Standard) or processing units (Premium).')
@minValue(1)
param capacity int = 2

@description('Standard only: let throughput grow up to this many units when a backlog drains (a spool replay after an outage).')
@minValue(0)
param maximumThroughputUnits int = 10

@description('Partitions of gpu-telemetry: the upper bound of parallel function instances reading it.')
@minValue(1)
param gpuPartitionCount int = 32

@description('Partitions of job-events (low volume).')
@minValue(1)
param jobPartitionCount int = 4

@description('Days events stay in the hubs (Standard allows up to 7).')
@minValue(1)
param retentionDays int = 7

@description('Consumer group the function app reads with.')
param consumerGroup string = 'metrics-functions'

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: 'evhns-${name}'
  location: location
  tags: tags
  sku: {
    name: sku
    tier: sku
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    isAutoInflateEnabled: sku == 'Standard' && maximumThroughputUnits > capacity
    maximumThroughputUnits: sku == 'Standard' && maximumThroughputUnits > capacity ? maximumThroughputUnits : 0
  }
}

resource gpuTelemetry 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: 'gpu-telemetry'
  properties: {
    partitionCount: gpuPartitionCount
    messageRetentionInDays: retentionDays
  }
}

resource jobEvents 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: 'job-events'
  properties: {
    partitionCount: jobPartitionCount
    messageRetentionInDays: retentionDays
  }
}

resource gpuConsumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: gpuTelemetry
  name: consumerGroup
}

resource jobConsumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: jobEvents
  name: consumerGroup
}

output namespaceName string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output gpuTelemetryHubName string = gpuTelemetry.name
output jobEventsHubName string = jobEvents.name
output consumerGroup string = consumerGroup
