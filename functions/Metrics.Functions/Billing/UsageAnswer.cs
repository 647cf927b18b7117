namespace Metrics.Functions.Billing;

/// <summary>
/// A month's usage as an HTTP answer, once the caller has been admitted: the request's choices parsed (400 otherwise),
/// the report rendered with its file name, an unknown (or hidden) institution answered as such, and a FOCUS export of
/// an unpriced month refused (409).
/// </summary>
internal static class UsageAnswer
{
    /// <param name="hidden">The caller may not see the institution it named: answer as for one that does not exist.</param>
    public static async Task<IActionResult> RespondAsync(
        UsageQuery query,
        HttpRequest request,
        string month,
        string? institution,
        bool hidden,
        CancellationToken cancellationToken
    )
    {
        if (
            !UsageRequest.TryParse(
                month,
                institution,
                request.Query["format"],
                request.Query["by"],
                out UsageRequest? usage,
                out string? error
            )
        )
        {
            return new BadRequestObjectResult(new { error });
        }

        if (hidden)
        {
            return UnknownInstitution.Answer(usage!.Institution!);
        }

        UsageReport? report = await query
            .GetAsync(usage!.Month, usage.Institution, usage.ByAccount, cancellationToken)
            .ConfigureAwait(false);
        if (report is null)
        {
            return UnknownInstitution.Answer(usage.Institution!);
        }

        IActionResult answer;
        try
        {
            answer =
                usage.Format == UsageFormat.FocusParquet
                    ? new FileContentResult(Parquet(report), usage.ContentType)
                    : new ContentResult
                    {
                        Content = usage.Render(report),
                        ContentType = usage.ContentType,
                        StatusCode = StatusCodes.Status200OK,
                    };
        }
        catch (InvalidOperationException unpriced) when (usage.Focus)
        {
            // A FOCUS cost is never null and never a silent 0: the month cannot be exported until its rates exist.
            return new ConflictObjectResult(new { error = unpriced.Message });
        }

        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{usage.FileName}\"";
        return answer;
    }

    private static byte[] Parquet(UsageReport report)
    {
        using var parquet = new MemoryStream();
        Metrics.Core.Lake.FocusParquet.Write(parquet, report);
        return parquet.ToArray();
    }
}
