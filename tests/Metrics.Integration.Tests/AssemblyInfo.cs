// Each test class has a store of its own on the one Azurite (AzuriteStore: every table and container name prefixed),
// so classes run in parallel. The few whose assertions are about time (lease renewals, a killed process, timeouts
// through a faulty proxy) run in the Serial collection, alone, where a busy machine cannot fake a failure.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, DisableTestParallelization = false)]
