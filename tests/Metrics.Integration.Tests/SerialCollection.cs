namespace Metrics.Integration.Tests;

/// <summary>Tests whose assertions are about time: they run after the parallel ones, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
