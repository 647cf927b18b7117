using Metrics.Core.Catalogue;

namespace Metrics.Core.Usage;

/// <summary>
/// A billing line's identity: the institution billed, the GPU model used and, below the institution's line, the project
/// (the scheduler's <c>account</c>; empty for usage no job's account holds). Ordered ordinally, institution first.
/// </summary>
public readonly record struct UsageKey(string Institution, string GpuModel, string Account = "") : IComparable<UsageKey>
{
    public int CompareTo(UsageKey other)
    {
        int byInstitution = string.CompareOrdinal(Institution, other.Institution);
        if (byInstitution != 0)
        {
            return byInstitution;
        }

        int byModel = string.CompareOrdinal(GpuModel, other.GpuModel);
        return byModel != 0 ? byModel : string.CompareOrdinal(Account ?? string.Empty, other.Account ?? string.Empty);
    }

    /// <summary>The institution's line this key belongs to: the same key without the account.</summary>
    /// <remarks>A method, not a property: a record prints its properties, and a key property would print itself forever.</remarks>
    public UsageKey Line() => new(Institution, GpuModel);

    /// <summary>
    /// Table RowKey form, <c>institution|model</c>, or <c>institution|model|account</c> below the line; no part can
    /// contain <c>|</c> (contract patterns). Usage without an account keeps the two-part key it always had.
    /// </summary>
    public string RowKey => string.IsNullOrEmpty(Account) ? $"{Institution}|{GpuModel}" : $"{Institution}|{GpuModel}|{Account}";
}
