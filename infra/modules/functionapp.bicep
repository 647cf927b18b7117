// The Function App on a Flex Consumption plan (FC1), .NET 10 isolated worker. Every connection is identity-based:
// app settings hold endpoints and the identity's client id, never a key, a SAS or a connection string.

@description('Name prefix for the resources.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Blob endpoint of the host storage account.')
param hostBlobServiceUri string

@description('Deployment package container URI on the host storage account.')
param deploymentContainerUri string

@description('Blob endpoint of the data storage account.')
param dataBlobServiceUri string

@description('Table endpoint of the data storage account.')
param dataTableServiceUri string

@description('Queue endpoint of the data account (allocation threshold events).')
param dataQueueServiceUri string

@description('Event Hubs namespace host name.')
param eventHubsNamespace string

@description('Hub of GPU samples.')
param gpuTelemetryHubName string

@description('Hub of job events.')
param jobEventsHubName string

@description('Consumer group of the app.')
param consumerGroup string

@description('Application Insights connection string (an endpoint and an id; local auth is disabled on the component).')
param appInsightsConnectionString string

@description('Most instances the app may scale to: at least the gpu-telemetry partition count, so every partition can have its own.')
@minValue(1)
param maximumInstanceCount int = 48

@description('Memory per instance, MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('IANA time zone of billing months.')
param billingTimeZone string = 'Asia/Shanghai'

@description('NCRONTAB schedule of the usage rollup.')
param rollupSchedule string = '0 */5 * * * *'

@description('NCRONTAB schedule of landed-file compaction; off the rollup\'s minutes, so the two do not start together.')
param compactionSchedule string = '0 7,22,37,52 * * * *'

@description('Minutes after a UTC hour ends before its landed files are compacted (late files are folded in by a later run).')
@minValue(0)
@maxValue(10080)
param compactionGraceMinutes int = 60

@description('NCRONTAB schedule of the month close (UTC); it closes the last month once its grace has passed, a no-op after that.')
param monthCloseSchedule string = '0 30 1 * * *'

@description('Days after a billing month ends (billing time zone) before it is closed and its statement frozen.')
@minValue(0)
@maxValue(28)
param monthCloseGraceDays int = 3

@description('Oldest event accepted, in days before its enqueued time (docs/telemetry-contract.md, time plausibility).')
@minValue(1)
@maxValue(366)
param ingestMaxEventAgeDays int = 14

@description('Longest job run accepted, in days: bounds the billing work one job event can cause.')
@minValue(1)
@maxValue(366)
param ingestMaxJobAgeDays int = 31

@description('Application (client) id of the API\'s Entra app registration, whose app roles say who may do what (infra/entra/README.md).')
param apiClientId string

@description('Entra tenant of the app registration.')
param tenantId string = tenant().tenantId

@description('Claim type naming an institution reader\'s institutions (docs/security.md).')
param institutionClaimType string = 'institutions'

@description('Clusters whose events land, comma-separated; empty accepts any (docs/security.md).')
param allowedClusters string = ''

// The one path App Service authentication leaves to the Functions host's key check: read-only usage export for
// automation (functions/Metrics.Functions/Billing/ExportUsage.cs).
var keyOnlyPaths = ['/api/export/usage']

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${name}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUri
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // The Functions host: checkpoints, leases and timer locks, through the identity.
        { name: 'AzureWebJobsStorage__blobServiceUri', value: hostBlobServiceUri }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        // The Event Hubs triggers (Connection = "EventHubConnection").
        { name: 'EventHubConnection__fullyQualifiedNamespace', value: eventHubsNamespace }
        { name: 'EventHubConnection__credential', value: 'managedidentity' }
        { name: 'EventHubConnection__clientId', value: identityClientId }
        { name: 'EventHubConsumerGroup', value: consumerGroup }
        { name: 'GpuTelemetryHubName', value: gpuTelemetryHubName }
        { name: 'JobEventsHubName', value: jobEventsHubName }
        // The data account, read by MetricsServices.ReadStorageSettings.
        { name: 'MetricsStorage__blobServiceUri', value: dataBlobServiceUri }
        { name: 'MetricsStorage__tableServiceUri', value: dataTableServiceUri }
        { name: 'MetricsStorage__queueServiceUri', value: dataQueueServiceUri }
        { name: 'MetricsStorage__clientId', value: identityClientId }
        // Billing.
        { name: 'RollupSchedule', value: rollupSchedule }
        { name: 'CompactionSchedule', value: compactionSchedule }
        { name: 'CompactionGraceMinutes', value: string(compactionGraceMinutes) }
        { name: 'MonthCloseSchedule', value: monthCloseSchedule }
        { name: 'MonthCloseGraceDays', value: string(monthCloseGraceDays) }
        { name: 'BillingTimeZone', value: billingTimeZone }
        { name: 'IngestMaxEventAgeDays', value: string(ingestMaxEventAgeDays) }
        { name: 'IngestMaxJobAgeDays', value: string(ingestMaxJobAgeDays) }
        { name: 'AllowedClusters', value: allowedClusters }
        // Sign-in: the institutions claim the gate reads, and the identity App Service authentication signs in with
        // (a federated credential on the app registration: no client secret anywhere).
        { name: 'InstitutionClaimType', value: institutionClaimType }
        { name: 'OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID', value: identityClientId }
        // Telemetry, authenticated with the identity (the component refuses key-only ingestion).
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
      ]
    }
  }
}

// App Service authentication with Microsoft Entra ID: nothing reaches the app unsigned-in (browsers are sent to sign in,
// other callers get 401), and the app reads the caller from X-MS-CLIENT-PRINCIPAL, which the platform sets and strips
// from what clients send. The app roles in the caller's token decide the rest (docs/security.md).
resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: keyOnlyPaths
    }
    httpSettings: { requireHttps: true }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: apiClientId
          clientSecretSettingName: 'OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID'
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: ['api://${apiClientId}', apiClientId]
        }
      }
    }
    login: { tokenStore: { enabled: false } }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
