using Metrics.Contract;

namespace Metrics.Core.Ports;

/// <summary>How many events were dead-lettered, per stream, by UTC enqueued date (the dead-letter files' own grouping).</summary>
public interface IDeadLetterCounts
{
    /// <summary>Events dead-lettered on the UTC dates <c>[from, to]</c>, per stream (every stream, zero where none).</summary>
    Task<IReadOnlyDictionary<TelemetryStream, long>> CountAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>
    /// Events dead-lettered in <c>[since, until]</c> by enqueued time (a file counts when its latest event does), per
    /// stream and rejection code; files written before reasons were recorded count under <c>unrecorded</c>.
    /// </summary>
    Task<IReadOnlyDictionary<(TelemetryStream Stream, string Reason), long>> CountByReasonAsync(
        DateTimeOffset since,
        DateTimeOffset until,
        CancellationToken cancellationToken
    );
}
