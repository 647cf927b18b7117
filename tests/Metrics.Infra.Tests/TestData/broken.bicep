// Deliberately broken: the build test must report the Bicep error, proving it can fail.
param location string = resourceGroup().location

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stbroken'
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: undefinedVariable
  }
}
