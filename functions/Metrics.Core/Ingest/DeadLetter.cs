using Metrics.Contract;
using Metrics.Core.Landing;

namespace Metrics.Core.Ingest;

/// <summary>An event refused by validation, kept whole with its reason and lineage.</summary>
public sealed record DeadLetter(RawEvent Event, Rejection Rejection);
