using './main.bicep'

// Production: ~5,000 institutions, tens of thousands of GPUs (about 5,000 nodes x 1 event / 15 s = 333 events/s,
// 0.5 MB/s): 2 throughput units with auto-inflate to 10 for backlog replays, 32 partitions, 7 days of retention.
param environmentName = 'prod'
param eventHubsCapacity = 2
param eventHubsMaximumThroughputUnits = 10
param gpuPartitionCount = 32
param jobPartitionCount = 4
param eventHubsRetentionDays = 7
// One instance per gpu-telemetry partition (32), the 12 rollup units of a tenfold hour at once (docs/scale.md,
// "Growth"), and headroom for HTTP, the timers and compaction units.
param maximumInstanceCount = 48

// Sign-in and producers (docs/security.md): the app registration's client id, the identities that may send to each hub,
// and the clusters whose events land, from the deploying shell's environment.
param apiClientId = readEnvironmentVariable('METRICS_API_CLIENT_ID', '')
param gpuSenderPrincipalIds = split(readEnvironmentVariable('METRICS_GPU_SENDERS', ''), ',')
param jobSenderPrincipalIds = split(readEnvironmentVariable('METRICS_JOB_SENDERS', ''), ',')
param allowedClusters = readEnvironmentVariable('METRICS_ALLOWED_CLUSTERS', '')
