// The Functions host's own account: Event Hubs checkpoints and leases, timer locks, and the deployment package.
// Kept apart from the data account so host churn never touches billing data and each gets its own permissions.

@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Container of the Flex Consumption deployment package.')
param deploymentContainer string = 'deploymentpackage'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deployment 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
  properties: { publicAccess: 'None' }
}

output id string = account.id
output name string = account.name
output blobServiceUri string = account.properties.primaryEndpoints.blob
output deploymentContainerUri string = '${account.properties.primaryEndpoints.blob}${deploymentContainer}'
