using Metrics.Core.Access;
using Metrics.Core.Operations;
using Metrics.Functions.Access;

namespace Metrics.Functions.Operations;

/// <summary>
/// The operator's screen over HTTP: <c>GET /api/status[?max_lag_minutes=N]</c>, the lines <c>metrics status</c> prints
/// (text/plain), ending with the verdict; 200 when billing is fresh, 503 when it is stale or a month is overdue, so a
/// probe can watch it. Operators and finance admins; nothing of the money is on it.
/// </summary>
public sealed class GetStatus(StatusQuery status, AccessGate access)
{
    /// <summary>How long billing work may wait before the status is stale, unless the request says otherwise.</summary>
    public const int DefaultMaxLagMinutes = 60;

    [Function(FunctionNames.GetStatus)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "status")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        if (access.Check(request, AccessAction.ReadStatus, institution: null).Refusal is { } refused)
        {
            return refused;
        }

        int maxLag = DefaultMaxLagMinutes;
        if (request.Query["max_lag_minutes"].ToString() is { Length: > 0 } text)
        {
            if (
                !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out maxLag)
                || maxLag is < 1 or > 7 * 24 * 60
            )
            {
                return new BadRequestObjectResult(new { error = "max_lag_minutes is a whole number of minutes from 1 to 10080" });
            }
        }

        PipelineStatus now = await status.GetAsync(cancellationToken).ConfigureAwait(false);
        (bool healthy, string verdict) = StatusScreen.Verdict(now, TimeSpan.FromMinutes(maxLag));
        return new ContentResult
        {
            Content = string.Concat(StatusScreen.Lines(now).Append(verdict).Select(line => line + "\n")),
            ContentType = "text/plain; charset=utf-8",
            StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
        };
    }
}
