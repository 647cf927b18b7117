using './main.bicep'

// Development: the smallest footprint that still exercises every piece.
param environmentName = 'dev'
param eventHubsCapacity = 1
param eventHubsMaximumThroughputUnits = 2
param gpuPartitionCount = 4
param jobPartitionCount = 2
param eventHubsRetentionDays = 1
param maximumInstanceCount = 4
