using Metrics.Contract;

namespace Metrics.Core.Catalogue;

/// <summary>Rows of one stream that landed under a GPU model name the catalogue did not know, since it was first seen.</summary>
public sealed record UnknownModelSighting(
    string Name,
    TelemetryStream Stream,
    long Rows,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen
);
