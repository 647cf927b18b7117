// The whole metering deployment in one resource group: Event Hubs, the data and host storage accounts, monitoring,
// a user-assigned identity with least-privilege roles, and the Function App. See infra/README.md.
targetScope = 'resourceGroup'

@description('Environment name, e.g. dev or prod; part of every resource name.')
@minLength(2)
@maxLength(12)
param environmentName string

@description('Azure region.')
param location string = resourceGroup().location

@description('Event Hubs tier.')
@allowed(['Standard', 'Premium'])
param eventHubsSku string = 'Standard'

@description('Event Hubs throughput units (Standard) or processing units (Premium).')
@minValue(1)
param eventHubsCapacity int = 2

@description('Standard: auto-inflate ceiling for throughput units.')
@minValue(0)
param eventHubsMaximumThroughputUnits int = 10

@description('Partitions of gpu-telemetry.')
@minValue(1)
param gpuPartitionCount int = 32

@description('Partitions of job-events.')
@minValue(1)
param jobPartitionCount int = 4

@description('Days events stay in the hubs.')
@minValue(1)
param eventHubsRetentionDays int = 7

@description('Most Function App instances.')
@minValue(1)
param maximumInstanceCount int = 48

@description('Who the alerts page: an e-mail address (empty: alerts fire, nobody is e-mailed).')
param alertEmail string = ''

@description('IANA time zone of billing months.')
param billingTimeZone string = 'Asia/Shanghai'

@description('Application (client) id of the API\'s Entra app registration (infra/entra/register-app.sh prints it).')
param apiClientId string = ''

@description('Object ids of the GPU nodes\' identities: each may send to gpu-telemetry only.')
param gpuSenderPrincipalIds array = []

@description('Object ids of the scheduler collectors\' identities: each may send to job-events only.')
param jobSenderPrincipalIds array = []

@description('Object ids of the identities that consume allocation threshold events (queue allocation-events on the data account).')
param allocationEventConsumerPrincipalIds array = []

@description('Clusters whose events land, comma-separated; empty accepts any.')
param allowedClusters string = ''

// Refused at deployment rather than deployed open: without the app registration nobody could sign in.
var signInClientId = empty(apiClientId)
  ? fail('apiClientId is required: register the API with infra/entra/register-app.sh and pass its client id.')
  : apiClientId

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var name = 'metrics-${environmentName}-${take(resourceToken, 6)}'
var tags = {
  'azd-env-name': environmentName
  workload: 'gpu-usage-metering'
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { name: name, location: location, tags: tags }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { name: name, location: location, tags: tags }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    name: name
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    alertEmail: alertEmail
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  params: {
    name: name
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    name: name
    location: location
    tags: tags
    sku: eventHubsSku
    capacity: eventHubsCapacity
    maximumThroughputUnits: eventHubsMaximumThroughputUnits
    gpuPartitionCount: gpuPartitionCount
    jobPartitionCount: jobPartitionCount
    retentionDays: eventHubsRetentionDays
  }
}

module dataStorage 'modules/storage-data.bicep' = {
  name: 'storage-data'
  params: { name: 'stdata${take(resourceToken, 12)}', location: location, tags: tags }
}

module hostStorage 'modules/storage-host.bicep' = {
  name: 'storage-host'
  params: { name: 'sthost${take(resourceToken, 12)}', location: location, tags: tags }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    principalId: identity.outputs.principalId
    eventHubsNamespaceName: eventHubs.outputs.namespaceName
    eventHubNames: [eventHubs.outputs.gpuTelemetryHubName, eventHubs.outputs.jobEventsHubName]
    dataStorageName: dataStorage.outputs.name
    hostStorageName: hostStorage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    allocationEventConsumerPrincipalIds: allocationEventConsumerPrincipalIds
  }
}

module producerRbac 'modules/producer-rbac.bicep' = {
  name: 'producer-rbac'
  params: {
    eventHubsNamespaceName: eventHubs.outputs.namespaceName
    gpuTelemetryHubName: eventHubs.outputs.gpuTelemetryHubName
    jobEventsHubName: eventHubs.outputs.jobEventsHubName
    gpuSenderPrincipalIds: gpuSenderPrincipalIds
    jobSenderPrincipalIds: jobSenderPrincipalIds
    appPrincipalId: identity.outputs.principalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  dependsOn: [rbac]
  params: {
    name: name
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostBlobServiceUri: hostStorage.outputs.blobServiceUri
    deploymentContainerUri: hostStorage.outputs.deploymentContainerUri
    dataBlobServiceUri: dataStorage.outputs.blobServiceUri
    dataTableServiceUri: dataStorage.outputs.tableServiceUri
    dataQueueServiceUri: dataStorage.outputs.queueServiceUri
    eventHubsNamespace: eventHubs.outputs.fullyQualifiedNamespace
    gpuTelemetryHubName: eventHubs.outputs.gpuTelemetryHubName
    jobEventsHubName: eventHubs.outputs.jobEventsHubName
    consumerGroup: eventHubs.outputs.consumerGroup
    appInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: maximumInstanceCount
    billingTimeZone: billingTimeZone
    apiClientId: signInClientId
    allowedClusters: allowedClusters
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output eventHubsNamespace string = eventHubs.outputs.fullyQualifiedNamespace
output dataStorageAccount string = dataStorage.outputs.name
