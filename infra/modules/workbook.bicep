// The operators' dashboard: an Azure Workbook over Application Insights showing the pipeline's metrics (the queries
// are in workbook.json beside this file; docs/operations.md says what each means).

@description('Name prefix for the resources.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Application Insights the Function App reports to.')
param appInsightsId string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, name, 'metering-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'GPU usage metering (${name})'
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: loadTextContent('workbook.json')
  }
}

output workbookId string = workbook.id
