// Who may send what: the GPU nodes' identities send to gpu-telemetry only, the scheduler's (the Slurm collector) to
// job-events only, each with Azure Event Hubs Data Sender scoped to its one hub, never the namespace. The function app's
// identity only receives (rbac.bicep). The namespace refuses SAS keys (disableLocalAuth), so these are the only senders.

@description('Event Hubs namespace name.')
param eventHubsNamespaceName string

@description('The GPU telemetry hub.')
param gpuTelemetryHubName string

@description('The job events hub.')
param jobEventsHubName string

@description('Object ids of the GPU nodes\' identities (service principals or managed identities).')
param gpuSenderPrincipalIds array

@description('Object ids of the scheduler collectors\' identities.')
param jobSenderPrincipalIds array

@description('Object id of the function app\'s identity, which must never send.')
param appPrincipalId string

// Azure Event Hubs Data Sender: send events (and nothing else) to one hub.
var eventHubsDataSender = '2b629674-e913-4c01-ae53-ef4638d8f975'

// Refused at deployment: an identity on both lists would send to both hubs, and the app's own identity would both send
// and receive (it could bill what it reads back).
// Empty entries (an unset list read from the environment) are dropped.
var gpuSenders = filter(gpuSenderPrincipalIds, id => !empty(id))
var jobSenders = filter(jobSenderPrincipalIds, id => !empty(id))
var bothHubs = intersection(gpuSenders, jobSenders)
var separation = !empty(bothHubs)
  ? fail('An identity may send to one hub only; on both lists: ${join(bothHubs, ', ')}')
  : contains(union(gpuSenders, jobSenders), appPrincipalId)
      ? fail('The function app\'s identity receives only; it may not be a sender.')
      : 'one hub per sender'

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubsNamespaceName
}

resource gpuHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = {
  parent: namespace
  name: gpuTelemetryHubName
}

resource jobHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = {
  parent: namespace
  name: jobEventsHubName
}

resource gpuSenderRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for id in gpuSenders: {
  name: guid(gpuHub.id, id, eventHubsDataSender)
  scope: gpuHub
  properties: {
    principalId: id
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSender)
    description: 'GPU node: sends GPU telemetry (${separation})'
  }
}]

resource jobSenderRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for id in jobSenders: {
  name: guid(jobHub.id, id, eventHubsDataSender)
  scope: jobHub
  properties: {
    principalId: id
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSender)
    description: 'Scheduler collector: sends job events (${separation})'
  }
}]
