namespace Metrics.Core.Billing;

/// <summary>
/// How a run works through marked units (a job hour, an hour, a day, a month): each unit runs isolated, so one that
/// fails is reported with its key and keeps its mark while the run goes on; a unit's mark is cleared only after its
/// work is written, and only if nobody re-marked it meanwhile.
/// </summary>
internal static class MarkedUnits
{
    /// <summary>
    /// Runs one unit of work (a job hour, an hour, a month); on failure records it and returns false so its mark stays.
    /// Cancellation, including a lost lock, is not a failure of the unit: it stops the whole run, as does a write fenced
    /// out by a later holder of the lock (the lock was lost unnoticed).
    /// </summary>
    public static async Task<bool> IsolatedAsync(
        MarkKind kind,
        string key,
        List<RollupFailure> failures,
        Func<Task> work,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await work().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not FencedWriteException)
        {
            failures.Add(RollupFailure.Of(kind, key, ex));
            return false;
        }
    }

    /// <summary>The month a month mark names.</summary>
    public static BillingMonth Month(WorkMark mark) =>
        BillingMonth.TryParse(mark.Key, out BillingMonth month)
            ? month
            : throw new InvalidDataException($"Month mark '{mark.Key}' is not yyyy-MM.");

    /// <summary>
    /// Clears a mark whose work is written, only if nobody re-marked it meanwhile; returns 1 if it was (the mark is kept
    /// for the next run), else 0.
    /// </summary>
    public static async Task<int> ClearAsync(IWorkMarks marks, WorkMark mark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marks);
        cancellationToken.ThrowIfCancellationRequested();
        return await marks.ClearAsync(mark, cancellationToken).ConfigureAwait(false) ? 0 : 1;
    }

    /// <summary>The UTC hour an hour mark names.</summary>
    public static DateTimeOffset Hour(WorkMark mark) =>
        UtcHours.TryParseKey(mark.Key, out DateTimeOffset hour)
            ? hour
            : throw new InvalidDataException($"Hour mark '{mark.Key}' is not yyyyMMddHH.");
}
