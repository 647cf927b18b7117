namespace Metrics.Core.Access;

/// <summary>What a request asks to do, as the authorisation decides on it (<see cref="AccessPolicy"/>).</summary>
public enum AccessAction
{
    /// <summary>Usage lines (CSV, JSON, FOCUS) of one institution, or of every institution when none is named.</summary>
    ReadUsage,

    /// <summary>An institution's statement page, or the centre's overview when none is named.</summary>
    ReadStatement,

    /// <summary>Vouchers and their balances, of one institution or of all.</summary>
    ReadVouchers,

    /// <summary>Import vouchers.</summary>
    ImportVouchers,

    /// <summary>Allocations and where they stand, of one institution or of all.</summary>
    ReadAllocations,

    /// <summary>Import allocations.</summary>
    ImportAllocations,

    /// <summary>Close a month.</summary>
    CloseMonth,

    /// <summary>Read the audit trail.</summary>
    ReadAudit,

    /// <summary>Read the pipeline's status.</summary>
    ReadStatus,
}
