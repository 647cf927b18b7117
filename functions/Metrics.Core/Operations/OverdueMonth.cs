using Metrics.Core.Ledger;

namespace Metrics.Core.Operations;

/// <summary>A month with usage that is past its close grace and still open, with why its last close left it open.</summary>
public sealed record OverdueMonth(Usage.BillingMonth Month, CloseRefusal? LastRefusal);
