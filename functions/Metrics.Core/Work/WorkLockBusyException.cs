namespace Metrics.Core.Work;

/// <summary>
/// The rollup lock stayed taken for the whole wait: another rollup, compaction or month close holds it. Not a failure of
/// the caller's work: a timer simply tries again on its next tick, a person a few minutes later.
/// </summary>
public sealed class WorkLockBusyException : Exception
{
    public WorkLockBusyException() { }

    public WorkLockBusyException(string message)
        : base(message) { }

    public WorkLockBusyException(string message, Exception innerException)
        : base(message, innerException) { }
}
