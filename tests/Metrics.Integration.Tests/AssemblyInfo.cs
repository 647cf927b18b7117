// The tests share one Azurite and the fixed container names of the contract; some compare blob listings before and
// after an action, so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
