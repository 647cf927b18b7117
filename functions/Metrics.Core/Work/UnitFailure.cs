namespace Metrics.Core.Work;

/// <summary>
/// One unit of rollup work that failed: a job hour (<see cref="MarkKind.Jobs"/>, key <c>yyyyMMddHH</c>), a usage hour
/// (<see cref="MarkKind.Usage"/>) or a month (<see cref="MarkKind.Month"/>, key <c>yyyy-MM</c>), and what was thrown.
/// </summary>
public sealed record UnitFailure(MarkKind Kind, string Key, string ExceptionType, string Message)
{
    /// <summary>The failure of the unit <paramref name="key"/> with what it threw.</summary>
    public static UnitFailure Of(MarkKind kind, string key, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new UnitFailure(kind, key, exception.GetType().FullName ?? exception.GetType().Name, exception.Message);
    }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Key}: {ExceptionType}: {Message}";
}
