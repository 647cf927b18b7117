using Metrics.Core.Billing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Metrics.Functions.Billing;

/// <summary>Finance's API: <c>GET /api/usage/{month}?institution=&amp;format=csv|json</c> (function key required).</summary>
public sealed class GetUsage(UsageQuery query)
{
    [Function(FunctionNames.GetUsage)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "usage/{month}")] HttpRequest request,
        string month,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!UsageRequest.TryParse(month, request.Query["institution"], request.Query["format"], out UsageRequest? usage, out string? error))
        {
            return new BadRequestObjectResult(new { error });
        }

        UsageReport? report = await query.GetAsync(usage!.Month, usage.Institution, cancellationToken).ConfigureAwait(false);
        if (report is null)
        {
            return new NotFoundObjectResult(new { error = $"unknown institution '{usage.Institution}': it has no usage in any month" });
        }

        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{usage.FileName}\"";
        return new ContentResult { Content = usage.Render(report), ContentType = usage.ContentType, StatusCode = StatusCodes.Status200OK };
    }
}
