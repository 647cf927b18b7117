using Metrics.Core.Ingest;
using Metrics.Core.Telemetry;
using Metrics.Core.Validation;
using Microsoft.Extensions.Logging;

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

        foreach (InternalError error in result.InternalErrors)
        {
            EventFailed(logger, batch.Stream.Name(), batch.PartitionId, error.SequenceNumber, error.ExceptionType, error.Message);
        }
    }

    [LoggerMessage(
        EventId = 1002,
        EventName = "EventFailed",
        Level = LogLevel.Error,
        Message = "Internal error on {Stream} partition {Partition} sequence {Sequence}: {ExceptionType}: {ExceptionMessage}; the event "
            + "was dead-lettered as internal-error and its batch landed"
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
        EventId = 1000,
        EventName = "BatchLanded",
        Level = LogLevel.Information,
        Message = "Landed {Stream} partition {Partition} sequences {FirstSequence}-{LastSequence}: {Events} events, {Rows} rows, "
            + "{DeadLettered} dead-lettered, {Files} files, {DirtyHours} dirty hours"
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
        EventId = 1001,
        EventName = "EventsDeadLettered",
        Level = LogLevel.Warning,
        Message = "Dead-lettered {Count} {Stream} events from partition {Partition} sequences {FirstSequence}-{LastSequence}: {Reason}"
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
}
