using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Functions.Logging;

/// <summary>Structured ingest logs, one line per batch. EventIds 1000-1099 are stable and never reused.</summary>
internal static partial class IngestLog
{
    public static void BatchLanded(ILogger logger, EventBatch batch, IngestResult result)
    {
        long first = batch.Events.Count > 0 ? batch.Events[0].SequenceNumber : -1;
        long last = batch.Events.Count > 0 ? batch.Events[^1].SequenceNumber : -1;
        Landed(
            logger,
            batch.Stream.Name(),
            batch.PartitionId,
            first,
            last,
            result.Events,
            result.LandedRows,
            result.DeadLettered,
            result.Files.Count,
            result.DirtyHours
        );
        foreach ((RejectReason reason, int count) in result.RejectionsByReason)
        {
            DeadLettered(logger, batch.Stream.Name(), batch.PartitionId, first, last, reason.Code(), count);
        }

        foreach ((string model, long rows) in result.UnknownModels)
        {
            UnknownModel(logger, batch.Stream.Name(), batch.PartitionId, first, last, model, rows);
        }

        foreach (InternalError error in result.InternalErrors)
        {
            EventFailed(logger, batch.Stream.Name(), batch.PartitionId, error.SequenceNumber, error.ExceptionType, error.Message);
        }
    }

    [LoggerMessage(
        1002,
        LogLevel.Error,
        "Internal error on {Stream} partition {Partition} sequence {Sequence}: {ExceptionType}: {ExceptionMessage}; the event was "
            + "dead-lettered as internal-error and its batch landed",
        EventName = "EventFailed"
    )]
    private static partial void EventFailed(
        ILogger logger,
        string stream,
        string partition,
        long sequence,
        string exceptionType,
        string exceptionMessage
    );

    [LoggerMessage(
        1000,
        LogLevel.Information,
        "Landed {Stream} partition {Partition} sequences {FirstSequence}-{LastSequence}: {Events} events, {Rows} rows, {DeadLettered} "
            + "dead-lettered, {Files} files, {DirtyHours} dirty hours",
        EventName = "BatchLanded"
    )]
    private static partial void Landed(
        ILogger logger,
        string stream,
        string partition,
        long firstSequence,
        long lastSequence,
        int events,
        int rows,
        int deadLettered,
        int files,
        int dirtyHours
    );

    [LoggerMessage(
        1001,
        LogLevel.Warning,
        "Dead-lettered {Count} {Stream} events from partition {Partition} sequences {FirstSequence}-{LastSequence}: {Reason}",
        EventName = "EventsDeadLettered"
    )]
    private static partial void DeadLettered(
        ILogger logger,
        string stream,
        string partition,
        long firstSequence,
        long lastSequence,
        string reason,
        int count
    );

    [LoggerMessage(
        1003,
        LogLevel.Warning,
        "Landed {Rows} {Stream} rows from partition {Partition} sequences {FirstSequence}-{LastSequence} under GPU model '{Model}', "
            + "which the catalogue does not know: add it (metrics models import) or its usage stays a line of its own",
        EventName = "UnknownGpuModel"
    )]
    private static partial void UnknownModel(
        ILogger logger,
        string stream,
        string partition,
        long firstSequence,
        long lastSequence,
        string model,
        long rows
    );
}
