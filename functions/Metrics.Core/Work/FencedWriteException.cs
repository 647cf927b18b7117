namespace Metrics.Core.Work;

/// <summary>
/// A write carried a lock generation below the one that last wrote its target: a later holder of the rollup lock has
/// written there, so this writer lost its lease, and the later holder's write stands. The writer must stop; its marks
/// stay set for the holder that replaced it.
/// </summary>
public sealed class FencedWriteException(string target, long generation, long newer)
    : Exception(
        $"{target} was written by lock generation {newer}; this writer holds generation {generation}, lost its lease, and must stop."
    )
{
    /// <summary>What was to be written (a table partition, a blob).</summary>
    public string Target { get; } = target;

    /// <summary>The refused writer's generation.</summary>
    public long Generation { get; } = generation;

    /// <summary>The generation that wrote the target last.</summary>
    public long Newer { get; } = newer;
}
