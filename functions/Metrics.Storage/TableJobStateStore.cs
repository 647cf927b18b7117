using Azure;
using Azure.Data.Tables;
using Metrics.Core.Billing;
using Metrics.Core.Ports;

namespace Metrics.Storage;

/// <summary>
/// Job run billing states in table <c>jobstates</c>: PartitionKey = cluster, RowKey = <c>{jobId}|{start ticks}</c>
/// (one row per run; a requeued job has several).
/// </summary>
public sealed class TableJobStateStore(TableServiceClient tables) : IJobStateStore
{
    private readonly TableClient _table = tables.GetTableClient(StorageTables.JobStates);

    public async Task<JobBillingState?> GetAsync(string cluster, string jobId, DateTimeOffset runStart, CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> found = await _table.GetEntityIfExistsAsync<TableEntity>(cluster, JobRunKeys.Run(jobId, runStart), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!found.HasValue)
        {
            return null;
        }

        TableEntity e = found.Value!;
        return new JobBillingState
        {
            Cluster = e.PartitionKey,
            JobId = TableProperties.Required(e, "JobId"),
            Institution = TableProperties.Required(e, "Institution"),
            GpuModel = TableProperties.Required(e, "GpuModel"),
            Gpus = e.GetDouble("Gpus") ?? 0,
            Cpus = e.GetInt32("Cpus") ?? 0,
            StartTime = e.GetDateTimeOffset("StartTime")!.Value,
            BilledThrough = e.GetDateTimeOffset("BilledThrough")!.Value,
            EndTime = e.GetDateTimeOffset("EndTime"),
            AttributesTs = e.GetDateTimeOffset("AttributesTs")!.Value,
            AttributesEventId = TableProperties.Required(e, "AttributesEventId"),
            EndEventTs = e.GetDateTimeOffset("EndEventTs"),
            EndEventId = e.GetString("EndEventId"),
        };
    }

    public async Task SaveAsync(JobBillingState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entity = new TableEntity(state.Cluster, JobRunKeys.Run(state.JobId, state.StartTime))
        {
            ["JobId"] = state.JobId,
            ["Institution"] = state.Institution,
            ["GpuModel"] = state.GpuModel,
            ["Gpus"] = state.Gpus,
            ["Cpus"] = state.Cpus,
            ["StartTime"] = state.StartTime,
            ["BilledThrough"] = state.BilledThrough,
            ["AttributesTs"] = state.AttributesTs,
            ["AttributesEventId"] = state.AttributesEventId,
        };

        // Absent, not null: the job has not ended yet.
        if (state.EndTime is { } end)
        {
            entity["EndTime"] = end;
            entity["EndEventTs"] = state.EndEventTs;
            entity["EndEventId"] = state.EndEventId;
        }

        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
