using Azure;
using Azure.Data.Tables;
using Metrics.Core.Billing;
using Metrics.Core.Ports;

namespace Metrics.Storage;

/// <summary>
/// Job run billing states in table <c>jobstates</c>: PartitionKey = cluster, RowKey = <c>{jobId}|{start ticks}</c>
/// (one row per run; a requeued job has several). Saves are conditional on the ETag read (or insert-only for a new
/// run), so a rollup whose lease expired under it cannot overwrite a newer state unseen.
/// </summary>
public sealed class TableJobStateStore(TableServiceClient tables) : IJobStateStore
{
    private readonly TableClient _table = tables.GetTableClient(StorageTables.JobStates);

    public async Task<StoredJobState?> GetAsync(string cluster, string jobId, DateTimeOffset runStart, CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> found = await _table.GetEntityIfExistsAsync<TableEntity>(cluster, JobRunKeys.Run(jobId, runStart), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!found.HasValue)
        {
            return null;
        }

        TableEntity e = found.Value!;
        var state = new JobBillingState
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
        return new StoredJobState(state, e.ETag.ToString(), e.GetDateTimeOffset("UnsettledUntil"));
    }

    public async Task SaveAsync(JobBillingState state, DateTimeOffset? unsettledUntil, string? expectedVersion, CancellationToken cancellationToken)
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

        if (unsettledUntil is { } unsettled)
        {
            entity["UnsettledUntil"] = unsettled;
        }

        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (expectedVersion is null)
            {
                await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _table.UpdateEntityAsync(entity, new ETag(expectedVersion), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            // 409: a new run was inserted meanwhile; 412: the ETag moved on; 404: the row is gone.
            throw new JobStateConflictException(
                $"Job run {state.Cluster}/{state.JobId}@{state.StartTime:O} was saved by someone else since it was read (HTTP {ex.Status}).", ex);
        }
    }
}
