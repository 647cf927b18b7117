namespace Metrics.Functions.Logging;

/// <summary>Structured access logs: every refused HTTP call. EventIds 1400-1499 are stable and never reused.</summary>
internal static partial class AccessLog
{
    [LoggerMessage(1400, LogLevel.Warning, "Refused {Action} on {Route}: not signed in ({Problem})", EventName = "AccessUnauthenticated")]
    public static partial void Unauthenticated(ILogger logger, string action, string route, string problem);

    [LoggerMessage(1401, LogLevel.Warning, "Refused {Action} on {Route} to {Caller}: no role allows it", EventName = "AccessForbidden")]
    public static partial void Forbidden(ILogger logger, string caller, string action, string route);

    [LoggerMessage(
        1402,
        LogLevel.Warning,
        "Answered {Action} on {Route} to {Caller} as for an unknown institution: not one of the caller's",
        EventName = "AccessHidden"
    )]
    public static partial void Hidden(ILogger logger, string caller, string action, string route);
}
