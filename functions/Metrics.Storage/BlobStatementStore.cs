using Metrics.Core.Ledger;

namespace Metrics.Storage;

/// <summary>
/// Frozen statements in the <c>statements</c> container, one blob per month (<c>{yyyy-MM}/statement.json</c>), created
/// with <c>If-None-Match: *</c>: a statement is written once and never replaced, even by two closes at once.
/// </summary>
public sealed class BlobStatementStore(BlobServiceClient blobs) : IStatementStore
{
    public const string Container = "statements";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(Container);

    public static string PathOf(BillingMonth month) => $"{month}/statement.json";

    /// <summary><c>{yyyy-MM}/days-{sha256}.json</c>: named by content, so two closes racing never overwrite each other's.</summary>
    public static string DaysPathOf(BillingMonth month, string sha256) => $"{month}/days-{sha256}.json";

    /// <summary>
    /// Where each month's last close refusal is kept: a container of its own, since a refusal is replaced by the next and
    /// <see cref="Container"/> is write-once (WORM) in Azure.
    /// </summary>
    public const string RefusalContainer = "monthclose";

    /// <summary><c>monthclose/{yyyy-MM}/last-refusal.json</c>: why the month's last close left it open.</summary>
    public static string RefusalPathOf(BillingMonth month) => $"{month}/last-refusal.json";

    private readonly BlobContainerClient _refusals = blobs.GetBlobContainerClient(RefusalContainer);

    public async Task RecordRefusalAsync(CloseRefusal refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        BlobClient blob = _refusals.GetBlobClient(RefusalPathOf(refusal.Month));
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
        await BlobUploads
            .UploadCreatingContainerAsync(_refusals, blob, new BinaryData(refusal.ToJson()), options, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<CloseRefusal?> ReadRefusalAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        try
        {
            BlobDownloadResult content = (
                await _refusals.GetBlobClient(RefusalPathOf(month)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)
            ).Value;
            return CloseRefusal.FromJson(month, content.Content.ToMemory().Span);
        }
        catch (RequestFailedException ex)
            when (ex.ErrorCode == BlobErrorCode.BlobNotFound || ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<BillingMonth> ListClosedAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        // Blob listings come in name order, and yyyy-MM sorts as the months do.
        await foreach (BlobItem item in _container.ListOrNoneAsync(new GetBlobsOptions(), cancellationToken).ConfigureAwait(false))
        {
            if (
                item.Name.EndsWith("/statement.json", StringComparison.Ordinal)
                && BillingMonth.TryParse(item.Name[..^"/statement.json".Length], out BillingMonth month)
            )
            {
                yield return month;
            }
        }
    }

    public async Task WriteDaysAsync(StatementDays days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(days);
        BlobClient blob = _container.GetBlobClient(DaysPathOf(days.Month, days.Sha256));
        // Created, never replaced: the container is write-once in Azure (WORM), and a file named by its content's hash
        // that exists already (a close retried, or two at once) holds these very bytes.
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await BlobUploads
                .UploadCreatingContainerAsync(_container, blob, new BinaryData(days.Json), options, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Already there, under its hash.
        }
    }

    public async Task<StatementDays> ReadDaysAsync(BillingMonth month, string sha256, CancellationToken cancellationToken)
    {
        try
        {
            BlobDownloadResult content = (
                await _container.GetBlobClient(DaysPathOf(month, sha256)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)
            ).Value;
            return StatementDays.FromJson(month, content.Content.ToArray(), sha256);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            throw new InvalidDataException(
                $"The daily usage {sha256} that {month}'s statement recorded is missing from '{Container}'.",
                ex
            );
        }
    }

    public async Task<FrozenStatement?> ReadAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        try
        {
            BlobDownloadResult content = (
                await _container.GetBlobClient(PathOf(month)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)
            ).Value;
            return FrozenStatement.FromJson(content.Content.ToMemory().Span);
        }
        catch (RequestFailedException ex)
            when (ex.ErrorCode == BlobErrorCode.BlobNotFound || ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return null;
        }
    }

    public async Task<bool> TryFreezeAsync(FrozenStatement statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        BlobClient blob = _container.GetBlobClient(PathOf(statement.Month));
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["statement_id"] = statement.Seal.StatementId,
                ["csv_sha256"] = statement.Seal.CsvSha256,
            },
        };

        try
        {
            await BlobUploads
                .UploadCreatingContainerAsync(_container, blob, new BinaryData(statement.ToJson()), options, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 && ex.ErrorCode != BlobErrorCode.ContainerNotFound)
        {
            // Another close froze the month first: its statement stands.
            return false;
        }
    }
}
