using './main.bicep'

// Production: ~5,000 institutions, tens of thousands of GPUs (about 5,000 nodes x 1 event / 15 s = 333 events/s,
// 0.5 MB/s): 2 throughput units with auto-inflate to 10 for backlog replays, 32 partitions, 7 days of retention.
param environmentName = 'prod'
param eventHubsCapacity = 2
param eventHubsMaximumThroughputUnits = 10
param gpuPartitionCount = 32
param jobPartitionCount = 4
param eventHubsRetentionDays = 7
param maximumInstanceCount = 40
