using Azure.Storage.Blobs.Specialized;
using Metrics.Core.Audit;

namespace Metrics.Storage;

/// <summary>
/// The audit trail as append blobs, one per month of the actions' UTC time: <c>audit/{yyyy-MM}.jsonl</c>, a JSON line
/// per action. Append blobs take appends only, and in Azure the container has a time-based immutability (WORM) policy
/// with protected appends (infra/modules/storage-data.bicep): no record can be changed or deleted, even with the
/// account's keys, until the retention has passed.
/// </summary>
public sealed class BlobAuditLog(BlobServiceClient blobs) : IAuditLog
{
    public const string Container = "audit";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(Container);

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        AppendBlobClient blob = _container.GetAppendBlobClient(
            NameOf(new BillingMonth(record.At.UtcDateTime.Year, record.At.UtcDateTime.Month))
        );
        byte[] line = System.Text.Encoding.UTF8.GetBytes(record.ToJsonLine() + "\n");
        try
        {
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        using var content = new MemoryStream(line);
        await blob.AppendBlockAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(BillingMonth? month, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (month is { } m)
        {
            names.Add(NameOf(m));
        }
        else
        {
            await foreach (BlobItem item in _container.ListOrNoneAsync(new GetBlobsOptions(), cancellationToken).ConfigureAwait(false))
            {
                names.Add(item.Name);
            }
        }

        var records = new List<AuditRecord>();
        foreach (string name in names.Order(StringComparer.Ordinal))
        {
            try
            {
                BlobDownloadResult content = (
                    await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)
                ).Value;
                records.AddRange(
                    content.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(AuditRecord.FromJsonLine)
                );
            }
            catch (RequestFailedException ex)
                when (ex.ErrorCode == BlobErrorCode.BlobNotFound || ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // No action in that month.
            }
        }

        return records;
    }

    private static string NameOf(BillingMonth month) => $"{month}.jsonl";
}
