using './main.bicep'

// Development: the smallest footprint that still exercises every piece.
param environmentName = 'dev'
param eventHubsCapacity = 1
param eventHubsMaximumThroughputUnits = 2
param gpuPartitionCount = 4
param jobPartitionCount = 2
param eventHubsRetentionDays = 1
param maximumInstanceCount = 4

// Sign-in and producers (docs/security.md): the app registration's client id, the identities that may send to each hub,
// and the clusters whose events land, from the deploying shell's environment.
param apiClientId = readEnvironmentVariable('METRICS_API_CLIENT_ID', '')
param gpuSenderPrincipalIds = split(readEnvironmentVariable('METRICS_GPU_SENDERS', ''), ',')
param jobSenderPrincipalIds = split(readEnvironmentVariable('METRICS_JOB_SENDERS', ''), ',')
param allowedClusters = readEnvironmentVariable('METRICS_ALLOWED_CLUSTERS', '')
