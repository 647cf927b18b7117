namespace Metrics.Functions.Billing;

/// <summary>
/// Finance's API: <c>GET /api/usage/{month}?institution=&amp;format=csv|json|focus&amp;by=institution|account</c> (function key required).
/// </summary>
public sealed class GetUsage(UsageQuery query)
{
    [Function(FunctionNames.GetUsage)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "usage/{month}")] HttpRequest request,
        string month,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        if (
            !UsageRequest.TryParse(
                month,
                request.Query["institution"],
                request.Query["format"],
                request.Query["by"],
                out UsageRequest? usage,
                out string? error
            )
        )
        {
            return new BadRequestObjectResult(new { error });
        }

        UsageReport? report = await query
            .GetAsync(usage!.Month, usage.Institution, usage.ByAccount, cancellationToken)
            .ConfigureAwait(false);
        if (report is null)
        {
            return new NotFoundObjectResult(new { error = $"unknown institution '{usage.Institution}': it has no usage in any month" });
        }

        string content;
        try
        {
            content = usage.Render(report);
        }
        catch (InvalidOperationException unpriced) when (usage.Format == UsageFormat.Focus)
        {
            // A FOCUS cost is never null and never a silent 0: the month cannot be exported until its rates exist.
            return new ConflictObjectResult(new { error = unpriced.Message });
        }

        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{usage.FileName}\"";
        return new ContentResult
        {
            Content = content,
            ContentType = usage.ContentType,
            StatusCode = StatusCodes.Status200OK,
        };
    }
}
