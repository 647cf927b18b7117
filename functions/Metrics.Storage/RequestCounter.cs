using Azure.Core.Pipeline;

namespace Metrics.Storage;

/// <summary>
/// Counts the HTTP requests sent to the storage account, retries included: Azure bills storage per transaction, and
/// requests per million samples is how the pipeline's storage cost scales (docs/scale.md).
/// </summary>
public sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}
