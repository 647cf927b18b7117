using Metrics.Contract;
using Metrics.Core.Catalogue;

namespace Metrics.Core.Catalogue;

/// <summary>
/// GPU model names that landed without a catalogue entry (table <c>unknownmodels</c>): what <c>metrics status</c>
/// counts, so that a name nobody has catalogued is seen before it splits a usage line or leaves one unpriced.
/// </summary>
public interface IUnknownModelLog
{
    /// <summary>Adds the rows one batch landed under names the catalogue did not know.</summary>
    Task RecordAsync(
        TelemetryStream stream,
        IReadOnlyDictionary<string, long> rowsByName,
        DateTimeOffset seenAt,
        CancellationToken cancellationToken
    );

    Task<IReadOnlyList<UnknownModelSighting>> ReadAsync(CancellationToken cancellationToken);
}
