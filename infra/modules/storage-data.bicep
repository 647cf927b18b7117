// The data account: landed Arrow files, dead letters, the rollup lock and every billing table. Shared-key access is
// off: the app reaches it only with its managed identity.

@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Containers the code writes (LandingPaths, BlobRollupLock, BlobStatementStore, BlobGpuModelStore, BlobAuditLog, BlobHourShardResults, LakePaths).')
param containers array = ['telemetry', 'deadletter', 'locks', 'statements', 'reference', 'audit', 'monthclose', 'rollupunits', 'lake']

@description('Containers of the finance record: frozen statements and the audit trail, write-once (WORM) for financeRetentionDays.')
param wormContainers array = ['statements', 'audit']

@description('Days the statements and the audit trail cannot be changed or deleted, even with the account keys (ten years).')
@minValue(1)
param financeRetentionDays int = 3650

@description('Tables the code uses (StorageTables.All).')
param tables array = ['workmarks', 'ehsequences', 'jobstates', 'jobhours', 'jobmonths', 'hourlyusage', 'dailyusage', 'monthlyusage', 'accountusage', 'ratecards', 'vouchers', 'allocations', 'allocationevents', 'unitfailures', 'unknownmodels']

@description('Queues the code uses: allocation threshold events for schedulers and notification flows (QueueAllocationEvents); compaction units and the poison queue the Functions host moves a failed one to (QueueWorkQueue).')
param queues array = ['allocation-events', 'compaction-units', 'compaction-units-poison', 'rollup-units', 'rollup-units-poison']

@description('Days after which landed Arrow files move to the cool tier (recent months are re-read by late data and disputes).')
param landedCoolAfterDays int = 30

@description('Days after which the lake\'s Parquet (hours, and months\' usage) moves to the cool tier: by then a month is closed and its files are read by analysts now and then, not by billing.')
param lakeCoolAfterDays int = 35

@description('Days landed Arrow files are kept: they are the evidence behind every invoice.')
param landedRetentionDays int = 2555

@description('Days dead letters are kept: long enough to investigate, fix the producer and replay.')
param deadLetterRetentionDays int = 90

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    accessTier: 'Hot'
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

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in containers: {
  parent: blobService
  name: container
  properties: { publicAccess: 'None' }
}]

// Time-based immutability: a statement or an audit record, once written, cannot be changed or deleted until the
// retention has passed; protected appends let the audit trail's append blobs grow. The policy is left unlocked, so an
// administrator can lengthen it (and lock it once the auditors agree the period); no one can shorten a locked one.
resource finalContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for container in wormContainers: {
  parent: blobService
  name: container
}]

resource worm 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = [for (container, i) in wormContainers: {
  parent: finalContainers[i]
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: financeRetentionDays
    allowProtectedAppendWrites: true
  }
  dependsOn: [blobContainers]
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource billingTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tables: {
  parent: tableService
  name: table
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource eventQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in queues: {
  parent: queueService
  name: queue
}]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'landed-arrow'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['telemetry/'] }
            actions: {
              baseBlob: {
                tierToCool: { daysAfterModificationGreaterThan: landedCoolAfterDays }
                delete: { daysAfterModificationGreaterThan: landedRetentionDays }
              }
            }
          }
        }
        {
          // A rollup unit's result is deleted with its hour's plan once the hour is written; one that a stale duplicate
          // wrote after that, of a plan already replaced, is read by nobody and goes here.
          name: 'rollup-unit-leftovers'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['rollupunits/'] }
            actions: {
              baseBlob: {
                delete: { daysAfterModificationGreaterThan: 7 }
              }
            }
          }
        }
        {
          // The lake is rewritten only when an hour is compacted again or an open month republished: once a month has
          // closed its files stop changing and are read rarely. Cool blobs read as usual, at a lower price per GB.
          name: 'lake-cool'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['lake/gpu/', 'lake/jobs/', 'lake/usage/'] }
            actions: {
              baseBlob: {
                tierToCool: { daysAfterModificationGreaterThan: lakeCoolAfterDays }
              }
            }
          }
        }
        {
          name: 'dead-letters'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['deadletter/'] }
            actions: {
              baseBlob: {
                delete: { daysAfterModificationGreaterThan: deadLetterRetentionDays }
              }
            }
          }
        }
      ]
    }
  }
}

output id string = account.id
output name string = account.name
output blobServiceUri string = account.properties.primaryEndpoints.blob
output tableServiceUri string = account.properties.primaryEndpoints.table
output queueServiceUri string = account.properties.primaryEndpoints.queue
