namespace Metrics.Core.Rollup;

/// <summary>
/// What <see cref="IJobStateStore.SaveManyAsync"/> did: the runs whose save was refused (someone else saved them
/// meanwhile), and the new version of each run saved, where the store can tell it. With the versions a rollup can
/// save a run again later in the same run without reading it back.
/// </summary>
public sealed record JobStateSaveResult(IReadOnlyList<JobRunKey> Conflicts, IReadOnlyDictionary<JobRunKey, string> Versions);
