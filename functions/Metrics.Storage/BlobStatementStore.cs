using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Metrics.Core.Billing;
using Metrics.Core.Ports;
using Metrics.Core.Statements;

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

    public async Task<FrozenStatement?> ReadAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        try
        {
            BlobDownloadResult content = (await _container.GetBlobClient(PathOf(month)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            return FrozenStatement.FromJson(content.Content.ToMemory().Span);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlobNotFound || ex.ErrorCode == BlobErrorCode.ContainerNotFound)
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
            await BlobUploads.UploadCreatingContainerAsync(_container, blob, new BinaryData(statement.ToJson()), options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 && ex.ErrorCode != BlobErrorCode.ContainerNotFound)
        {
            // Another close froze the month first: its statement stands.
            return false;
        }
    }
}
