using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Cli.LocalHub;

/// <summary>Running totals of a local ingest, for the CLI's summary line.</summary>
internal sealed class LocalHubTotals
{
    public int Batches { get; private set; }

    public long Events { get; private set; }

    public long LandedEvents { get; private set; }

    public long LandedRows { get; private set; }

    public long DeadLettered { get; private set; }

    public long Files { get; private set; }

    public long LandedBytes { get; private set; }

    /// <summary>Every internal error (sequence, type, message); each is also counted in <see cref="DeadLettered"/>.</summary>
    public List<string> InternalErrors { get; } = [];

    public SortedDictionary<string, long> RejectionsByReason { get; } = new(StringComparer.Ordinal);

    /// <summary>Rows landed under GPU model names the catalogue did not know, by name.</summary>
    public SortedDictionary<string, long> UnknownModels { get; } = new(StringComparer.Ordinal);

    public void Add(IngestResult result)
    {
        Batches++;
        Events += result.Events;
        LandedEvents += result.LandedEvents;
        LandedRows += result.LandedRows;
        DeadLettered += result.DeadLettered;
        Files += result.Files.Count;
        LandedBytes += result.LandedBytes;
        foreach (InternalError error in result.InternalErrors)
        {
            InternalErrors.Add($"sequence {error.SequenceNumber}: {error.ExceptionType}: {error.Message}");
        }

        foreach ((string name, long rows) in result.UnknownModels)
        {
            UnknownModels[name] = UnknownModels.GetValueOrDefault(name) + rows;
        }

        foreach ((RejectReason reason, int count) in result.RejectionsByReason)
        {
            RejectionsByReason[reason.Code()] = RejectionsByReason.GetValueOrDefault(reason.Code()) + count;
        }
    }
}
