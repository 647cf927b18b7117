namespace Metrics.Contract;

/// <summary>Lifecycle state carried by a job event.</summary>
public enum JobState
{
    /// <summary>The job started running on its allocation.</summary>
    Started,

    /// <summary>Heartbeat of a running job.</summary>
    Running,

    /// <summary>The job ended; the event carries <c>endTime</c> and <c>exitState</c>.</summary>
    Ended,
}
