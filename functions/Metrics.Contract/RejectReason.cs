namespace Metrics.Contract;

/// <summary>
/// Why an event was dead-lettered. The kebab-case codes (<see cref="RejectReasons.Code"/>) are a contract:
/// they appear in dead-letter files and in docs/telemetry-contract.md, and are never renamed or reused.
/// </summary>
public enum RejectReason
{
    /// <summary>The body is larger than <see cref="ContractLimits.MaxBodyBytes"/>.</summary>
    BodyTooLarge,

    /// <summary>The body is not valid UTF-8.</summary>
    NotUtf8,

    /// <summary>The body is not well-formed JSON, or its root is not an object.</summary>
    MalformedJson,

    /// <summary>The <c>schema</c> tag is missing or is not the stream's exact tag.</summary>
    SchemaMismatch,

    /// <summary>A required field is absent or null.</summary>
    MissingField,

    /// <summary>A field has the wrong JSON type (for example a quoted number).</summary>
    WrongType,

    /// <summary>A number is outside its documented range, or not finite, or not whole where a whole number is required.</summary>
    OutOfRange,

    /// <summary>An identifier does not match its documented pattern or length.</summary>
    InvalidId,

    /// <summary>A timestamp is not ISO-8601 with an explicit zone.</summary>
    InvalidTimestamp,

    /// <summary>A timestamp is later than the event's enqueued time plus the clock-skew allowance.</summary>
    TimestampInFuture,

    /// <summary>Fields contradict each other (memory used above total, end before start, a duplicate GPU...).</summary>
    Inconsistent,

    /// <summary>
    /// A timestamp is earlier than the enqueued time minus the maximum event age, or before 2000-01-01Z, or a job's
    /// run is longer than the maximum job age.
    /// </summary>
    TimestampTooOld,

    /// <summary>
    /// The last-resort barrier: processing this one event raised an unexpected exception (a bug, logged as an error
    /// with its type). The event is kept whole so it can be replayed once the bug is fixed; its batch lands.
    /// </summary>
    InternalError,

    /// <summary>
    /// The event's <c>cluster</c> is not one this deployment accepts (<see cref="IngestLimits.AllowedClusters"/>): a
    /// producer may bill only its own cluster's institutions.
    /// </summary>
    UnknownCluster,
}
