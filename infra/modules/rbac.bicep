// Least-privilege role assignments for the function app's identity. Names come from guid(scope, principal, role),
// so redeploying never duplicates an assignment.

@description('Principal id of the function app\'s user-assigned identity.')
param principalId string

@description('Event Hubs namespace name.')
param eventHubsNamespaceName string

@description('Event hubs the app reads.')
param eventHubNames array

@description('Data storage account name.')
param dataStorageName string

@description('Host storage account name.')
param hostStorageName string

@description('Application Insights component name.')
param appInsightsName string

@description('The data account\'s queue of allocation threshold events, which the app sends to and consumers read.')
param allocationEventsQueueName string = 'allocation-events'

@description('The data account\'s queues of work units, each with its poison queue: the app takes units from them and moves failed ones to the poison queue.')
param unitQueueNames array = ['compaction-units', 'compaction-units-poison', 'rollup-units', 'rollup-units-poison']

@description('Object ids of the identities that consume allocation threshold events (a scheduler hook, a Logic App): each may read and delete messages of that queue only.')
param allocationEventConsumerPrincipalIds array = []

// Azure Event Hubs Data Receiver: read events (and nothing else) from the hubs.
var eventHubsDataReceiver = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
// Storage Blob Data Contributor: write landed files, dead letters and the rollup lease on the data account.
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Storage Table Data Contributor: marks, job states and usage tables on the data account.
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// Storage Queue Data Message Sender: put allocation threshold events on their queue, nothing else of any queue.
var storageQueueDataMessageSender = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'

// Storage Queue Data Contributor: receive, delete and move work units (the queue trigger), on the unit queues only.
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'

// Storage Queue Data Message Processor: peek, receive and delete messages; what a consumer of the events needs.
var storageQueueDataMessageProcessor = '8a0f0c08-91a1-4084-bc3d-661d67233fed'

// Storage Blob Data Owner: what the Functions host needs on its own account (checkpoints, leases, deployment package).
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Monitoring Metrics Publisher: send telemetry to Application Insights, whose local (key) auth is disabled.
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubsNamespaceName
}

resource hubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = [for hub in eventHubNames: {
  parent: namespace
  name: hub
}]

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource allocationEvents 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  name: '${dataStorageName}/default/${allocationEventsQueueName}'
}

resource unitQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = [for queue in unitQueueNames: {
  name: '${dataStorageName}/default/${queue}'
}]

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource hubReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (hub, i) in eventHubNames: {
  name: guid(hubs[i].id, principalId, eventHubsDataReceiver)
  scope: hubs[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataReceiver)
  }
}]

resource dataBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, principalId, storageBlobDataContributor)
  scope: dataStorage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}

resource dataTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, principalId, storageTableDataContributor)
  scope: dataStorage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
  }
}

resource allocationEventSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(allocationEvents.id, principalId, storageQueueDataMessageSender)
  scope: allocationEvents
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageSender)
  }
}

resource unitQueueWorkers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (queue, i) in unitQueueNames: {
  name: guid(unitQueues[i].id, principalId, storageQueueDataContributor)
  scope: unitQueues[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
  }
}]

resource allocationEventConsumers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for consumer in allocationEventConsumerPrincipalIds: {
  name: guid(allocationEvents.id, consumer, storageQueueDataMessageProcessor)
  scope: allocationEvents
  properties: {
    principalId: consumer
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageProcessor)
  }
}]

resource hostBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, storageBlobDataOwner)
  scope: hostStorage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}
